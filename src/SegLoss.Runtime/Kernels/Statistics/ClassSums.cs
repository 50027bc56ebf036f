using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static SegLoss.Runtime.Kernels.Statistics.VectorRows;

namespace SegLoss.Runtime.Kernels.Statistics;

/// <summary>
/// Segmented sums of one chunk: Σ of a row's values over the pixels of each class, a vector of pixels at a time.
/// Each class has its own vector of running sums in double; a float row is widened to two double vectors first, so a
/// float32 kernel sums as precisely as a float64 one. The lanes are added in a fixed order.
/// </summary>
internal static class ClassSums
{
    /// <summary>Adds Σ values (times <paramref name="weights"/> when not empty) over each class's pixels to <paramref name="sums"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Add<T>(ReadOnlySpan<T> classOf, ReadOnlySpan<T> values, ReadOnlySpan<T> weights, Span<double> sums)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var classes = sums.Length;
        var lanes = classes <= 64 ? stackalloc Vector<double>[classes] : new Vector<double>[classes];
        lanes.Clear();
        ref var k = ref MemoryMarshal.GetReference(classOf);
        ref var v = ref MemoryMarshal.GetReference(values);
        ref var w = ref MemoryMarshal.GetReference(weights);
        var weighted = !weights.IsEmpty;
        var i = 0;
        for (; i + Vector<T>.Count <= values.Length; i += Vector<T>.Count)
        {
            var kind = Load(ref k, i);
            var value = Load(ref v, i);
            if (weighted)
            {
                value *= Load(ref w, i);
            }

            for (var c = 0; c < classes; c++)
            {
                var selected = Vector.ConditionalSelect(Vector.Equals(kind, new Vector<T>(T.CreateTruncating(c))), value, Vector<T>.Zero);
                AddWidened(ref lanes[c], selected);
            }
        }

        for (var c = 0; c < classes; c++)
        {
            var total = 0.0;
            for (var lane = 0; lane < Vector<double>.Count; lane++)
            {
                total += lanes[c][lane];
            }

            sums[c] += total;
        }

        for (; i < values.Length; i++)
        {
            var value = double.CreateTruncating(weighted ? Unsafe.Add(ref v, i) * Unsafe.Add(ref w, i) : Unsafe.Add(ref v, i));
            sums[int.CreateTruncating(Unsafe.Add(ref k, i))] += value;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void AddWidened<T>(ref Vector<double> lanes, Vector<T> values)
        where T : unmanaged
    {
        if (typeof(T) == typeof(float))
        {
            Vector.Widen(Vector.AsVectorSingle(values), out var low, out var high);
            lanes += low + high;
        }
        else
        {
            lanes += Vector.AsVectorDouble(values);
        }
    }
}
