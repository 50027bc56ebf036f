using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static SegLoss.Runtime.Kernels.Statistics.VectorRows;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace SegLoss.Runtime.Kernels.Statistics;

/// <summary>
/// The softmax over the classes of one chunk in a few sweeps over all the classes at once, instead of one sweep per
/// class and operation: the maximum and z - max; one exponential over the whole block of rows; the sum; then
/// p = e · (1 / Σ) (one division per pixel, not per class) and log p = (z - max) - log Σ together. In float the first
/// three are one sweep, with <see cref="VectorExp"/>'s exponential. The tensor path's softmax and log_softmax agree
/// with it to rounding.
/// </summary>
internal static class ChunkSoftmax
{
    /// <summary>
    /// p, and log p when <paramref name="withLog"/>, from the logits (class c's row at <c>c·stride</c> from
    /// <paramref name="logits"/>). <paramref name="sum"/> and <paramref name="logSum"/> are scratch rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Compute<T>(ref readonly T logits, int stride, ClassRows<T> p, ClassRows<T> logp, Span<T> sum, Span<T> logSum, bool withLog)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && Vector.IsHardwareAccelerated)
        {
            // One sweep for z - max, its exponential and their sum (float: the exponential is VectorExp's).
            ExponentiateShifted(ref Unsafe.As<T, float>(ref Unsafe.AsRef(in logits)), stride, Cast(p), withLog ? Cast(logp) : default, MemoryMarshal.Cast<T, float>(sum), withLog);
        }
        else
        {
            // z - max goes to log p's rows when there are some (log p = z - max - log Σ), and is exponentiated from there.
            var shifted = withLog ? logp : p;
            ShiftByMaximum(in logits, stride, shifted);
            TP.Exp(shifted.Block, p.Block);
            SumOverClasses(p, sum);
        }

        if (withLog)
        {
            TP.Log(sum, logSum);
        }

        Normalize(p, logp, sum, logSum, withLog);
    }

    /// <summary>
    /// z - max (into log p's rows when <paramref name="withLog"/>), e = exp(z - max) into p's rows and Σ e, a vector of
    /// pixels at a time; the pixels past the last whole vector take the scalar path.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ExponentiateShifted(ref float z, int stride, ClassRows<float> p, ClassRows<float> logp, Span<float> sum, bool withLog)
    {
        ref var e = ref MemoryMarshal.GetReference(p.Block);
        ref var log = ref withLog ? ref MemoryMarshal.GetReference(logp.Block) : ref e;
        ref var total = ref MemoryMarshal.GetReference(sum);
        var (classes, length) = (p.Classes, p.RowLength);
        var i = 0;
        for (; i + Vector<float>.Count <= length; i += Vector<float>.Count)
        {
            var max = Load(ref z, i);
            for (var c = 1; c < classes; c++)
            {
                max = MaxPropagatingNaN(max, Load(ref z, (c * stride) + i));
            }

            var exponentials = Vector<float>.Zero;
            for (var c = 0; c < classes; c++)
            {
                var shifted = Load(ref z, (c * stride) + i) - max;
                if (withLog)
                {
                    Store(shifted, ref log, (c * length) + i);
                }

                var exponential = VectorExp.Exp(shifted);
                Store(exponential, ref e, (c * length) + i);
                exponentials += exponential;
            }

            Store(exponentials, ref total, i);
        }

        for (; i < length; i++)
        {
            var max = Unsafe.Add(ref z, i);
            for (var c = 1; c < classes; c++)
            {
                max = float.Max(max, Unsafe.Add(ref z, (c * stride) + i));
            }

            var exponentials = 0f;
            for (var c = 0; c < classes; c++)
            {
                var shifted = Unsafe.Add(ref z, (c * stride) + i) - max;
                if (withLog)
                {
                    Unsafe.Add(ref log, (c * length) + i) = shifted;
                }

                var exponential = shifted >= VectorExp.Lowest ? MathF.Exp(shifted) : float.IsNaN(shifted) ? shifted : 0f;
                Unsafe.Add(ref e, (c * length) + i) = exponential;
                exponentials += exponential;
            }

            Unsafe.Add(ref total, i) = exponentials;
        }
    }

    private static ClassRows<float> Cast<T>(ClassRows<T> rows)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        new(MemoryMarshal.Cast<T, float>(rows.Block), rows.RowLength, rows.Classes);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ShiftByMaximum<T>(ref readonly T logits, int stride, ClassRows<T> shifted)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var z = ref Unsafe.AsRef(in logits);
        ref var s = ref MemoryMarshal.GetReference(shifted.Block);
        var (classes, length) = (shifted.Classes, shifted.RowLength);
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i + Vector<T>.Count <= length; i += Vector<T>.Count)
            {
                var max = Load(ref z, i);
                for (var c = 1; c < classes; c++)
                {
                    max = MaxPropagatingNaN(max, Load(ref z, (c * stride) + i));
                }

                for (var c = 0; c < classes; c++)
                {
                    Store(Load(ref z, (c * stride) + i) - max, ref s, (c * length) + i);
                }
            }
        }

        for (; i < length; i++)
        {
            var max = Unsafe.Add(ref z, i);
            for (var c = 1; c < classes; c++)
            {
                max = T.Max(max, Unsafe.Add(ref z, (c * stride) + i));
            }

            for (var c = 0; c < classes; c++)
            {
                Unsafe.Add(ref s, (c * length) + i) = Unsafe.Add(ref z, (c * stride) + i) - max;
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SumOverClasses<T>(ClassRows<T> p, Span<T> sum)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var e = ref MemoryMarshal.GetReference(p.Block);
        ref var total = ref MemoryMarshal.GetReference(sum);
        var (classes, length) = (p.Classes, p.RowLength);
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i + Vector<T>.Count <= length; i += Vector<T>.Count)
            {
                var value = Load(ref e, i);
                for (var c = 1; c < classes; c++)
                {
                    value += Load(ref e, (c * length) + i);
                }

                Store(value, ref total, i);
            }
        }

        for (; i < length; i++)
        {
            var value = Unsafe.Add(ref e, i);
            for (var c = 1; c < classes; c++)
            {
                value += Unsafe.Add(ref e, (c * length) + i);
            }

            Unsafe.Add(ref total, i) = value;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Normalize<T>(ClassRows<T> p, ClassRows<T> logp, Span<T> sum, Span<T> logSum, bool withLog)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var e = ref MemoryMarshal.GetReference(p.Block);
        ref var log = ref MemoryMarshal.GetReference(logp.Block);
        ref var total = ref MemoryMarshal.GetReference(sum);
        ref var logTotal = ref MemoryMarshal.GetReference(logSum);
        var (classes, length) = (p.Classes, p.RowLength);
        var i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            for (; i + Vector<T>.Count <= length; i += Vector<T>.Count)
            {
                var reciprocal = Vector<T>.One / Load(ref total, i);
                for (var c = 0; c < classes; c++)
                {
                    Store(Load(ref e, (c * length) + i) * reciprocal, ref e, (c * length) + i);
                }

                if (withLog)
                {
                    var subtrahend = Load(ref logTotal, i);
                    for (var c = 0; c < classes; c++)
                    {
                        Store(Load(ref log, (c * length) + i) - subtrahend, ref log, (c * length) + i);
                    }
                }
            }
        }

        for (; i < length; i++)
        {
            var reciprocal = T.One / Unsafe.Add(ref total, i);
            for (var c = 0; c < classes; c++)
            {
                Unsafe.Add(ref e, (c * length) + i) *= reciprocal;
                if (withLog)
                {
                    Unsafe.Add(ref log, (c * length) + i) -= Unsafe.Add(ref logTotal, i);
                }
            }
        }
    }

    /// <summary>max(a, b), NaN where either is (as <see cref="TP"/>'s Max).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> MaxPropagatingNaN<T>(Vector<T> a, Vector<T> b)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var max = Vector.Max(a, b);
        return Vector.ConditionalSelect(Vector.Equals(a, a), Vector.ConditionalSelect(Vector.Equals(b, b), max, b), a);
    }
}
