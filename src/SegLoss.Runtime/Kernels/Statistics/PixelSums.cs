using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SegLoss.Runtime.Kernels.Statistics;

/// <summary>
/// The running sums of a per-pixel kernel over one chunk, one per statistic entry (laid out as the chunk's
/// <c>sums</c>). Each vector of pixels adds to a vector in the input's type; every <see cref="FlushEvery"/> vectors
/// those are added, widened, into vectors of doubles and start again from 0, so a float sum never runs over more than
/// 32 values per lane (as precise as a float sum can be made without a conversion per addition).
/// <see cref="AddTo"/> adds the lanes in a fixed order: the result depends on nothing but the chunk.
/// </summary>
public ref struct PixelSums<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    /// <summary>The number of vectors of pixels a running sum takes before it is added into the doubles.</summary>
    public const int FlushEvery = 32;

    /// <summary>
    /// The pixels a kernel that keeps its running sums in locals (one class at a time) sums over before it adds them
    /// with <see cref="AddBlock"/>: at most 32 values per lane in float, as <see cref="FlushEvery"/>.
    /// </summary>
    public static int BlockPixels => FlushEvery * Vector<T>.Count;

    private readonly Span<Vector<T>> _running;
    private readonly Span<Vector<double>> _totals;
    private int _vectors;

    /// <summary>Running sums for <paramref name="count"/> entries, zero, in the chunk's scratch memory.</summary>
    public PixelSums(ChunkScratch<T> scratch, int count)
    {
        ArgumentNullException.ThrowIfNull(scratch);
        _running = scratch.Vectors(count);
        _running.Clear();

        // A Vector<double> takes the bytes of a Vector<T>.
        _totals = MemoryMarshal.Cast<Vector<T>, Vector<double>>(scratch.Vectors(count));
        _totals.Clear();
        _vectors = 0;
    }

    /// <summary>Adds a vector of pixel values to entry <paramref name="k"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void Add(int k, Vector<T> values) => Running(k) += values;

    /// <summary>Adds each pixel's value to entry <paramref name="at"/> + its class (a per-class sum at the true class).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public readonly void AddAtClass(int at, ReadOnlySpan<Vector<T>> isClass, Vector<T> values)
    {
        for (var c = 0; c < isClass.Length; c++)
        {
            Running(at + c) += isClass[c] & values;
        }
    }

    /// <summary>Adds a block's running sum (<see cref="BlockPixels"/> pixels at most), widened, into entry <paramref name="k"/>'s total.</summary>
    public readonly void AddBlock(int k, Vector<T> values)
    {
        if (typeof(T) == typeof(float))
        {
            Vector.Widen(Vector.AsVectorSingle(values), out var low, out var high);
            _totals[k] += low + high;
        }
        else
        {
            _totals[k] += Vector.AsVectorDouble(values);
        }
    }

    /// <summary>Ends a vector of pixels (call once per loop iteration).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void Next()
    {
        if (++_vectors == FlushEvery)
        {
            Flush();
        }
    }

    /// <summary>Adds every entry's lanes, in order, to <paramref name="sums"/>.</summary>
    public void AddTo(Span<double> sums)
    {
        Flush();
        for (var k = 0; k < sums.Length; k++)
        {
            var total = 0.0;
            for (var lane = 0; lane < Vector<double>.Count; lane++)
            {
                total += _totals[k][lane];
            }

            sums[k] += total;
        }
    }

    /// <summary>
    /// Entry <paramref name="k"/>'s running sum, without a bounds check: the generated kernels add only to the entries
    /// of their statistics, below the count they made the sums with (the loop's hottest line).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private readonly ref Vector<T> Running(int k)
    {
        System.Diagnostics.Debug.Assert((uint)k < (uint)_running.Length, "a statistic entry past the chunk's sums");
        return ref Unsafe.Add(ref MemoryMarshal.GetReference(_running), k);
    }

    private void Flush()
    {
        for (var k = 0; k < _running.Length; k++)
        {
            if (typeof(T) == typeof(float))
            {
                Vector.Widen(Vector.AsVectorSingle(_running[k]), out var low, out var high);
                _totals[k] += low + high;
            }
            else
            {
                _totals[k] += Vector.AsVectorDouble(_running[k]);
            }
        }

        _running.Clear();
        _vectors = 0;
    }
}
