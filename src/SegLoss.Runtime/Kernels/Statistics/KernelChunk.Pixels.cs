using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using static SegLoss.Runtime.Kernels.Statistics.VectorRows;

namespace SegLoss.Runtime.Kernels.Statistics;

/// <summary>
/// The chunk a vector of pixels at a time, for per-pixel kernels: <c>i</c> is the vector's first pixel within the
/// chunk, a multiple of <see cref="Vector{T}.Count"/>. The last vector may reach past the chunk: its lanes there read
/// as logits and targets 0, class -1 (none) and validity 0 (from padded copies the chunk makes only then), and are
/// not written.
/// </summary>
public readonly ref partial struct KernelChunk<T>
{
    /// <summary>Class <paramref name="c"/>'s logits at the vector of pixels starting at <paramref name="i"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> LogitsAt(int c, int i) => Load(ref MemoryMarshal.GetReference(_vectorLogits), (c * _vectorStride) + _vectorStart + i);

    /// <summary>A dense target's class <paramref name="c"/> at the vector of pixels starting at <paramref name="i"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> TargetAt(int c, int i) => Load(ref MemoryMarshal.GetReference(_vectorTarget), (c * _vectorStride) + _vectorStart + i);

    /// <summary>Each pixel's class as a <typeparamref name="T"/> (0 where ignored, -1 past the chunk).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector<T> ClassAt(int i) => Load(ref MemoryMarshal.GetReference(_vectorClassOf), i);

    /// <summary>
    /// For each class, the lanes of the vector of pixels starting at <paramref name="i"/> whose class it is (all bits
    /// set there, 0 elsewhere; an ignored pixel is of class 0, a lane past the chunk of none).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void ClassMasksAt(int i, Span<Vector<T>> isClass)
    {
        var classOf = ClassAt(i);
        for (var c = 0; c < isClass.Length; c++)
        {
            isClass[c] = Vector.Equals(classOf, new Vector<T>(T.CreateTruncating(c)));
        }
    }

    /// <summary>1 where the pixel counts, 0 where it is ignored or past the chunk.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> ValidAt(int i) =>
        _vectorValid.IsEmpty ? Vector<T>.One : Load(ref MemoryMarshal.GetReference(_vectorValid), i);

    /// <summary>Each pixel's logit of its own class.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> LogitsAtTrueClass(ReadOnlySpan<Vector<T>> isClass, int i)
    {
        var value = LogitsAt(0, i);
        for (var c = 1; c < Classes; c++)
        {
            value = Vector.ConditionalSelect(isClass[c], LogitsAt(c, i), value);
        }

        return value;
    }

    /// <summary>
    /// max(a, b) for the softmax's shift: the CPU's own max instruction where it has one. A NaN logit may be dropped
    /// from the maximum; it still makes its own z - max, hence the pixel's sum and every p of the pixel, NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<T> ShiftMaximum(Vector<T> a, Vector<T> b)
    {
        if (typeof(T) == typeof(float) && Vector<float>.Count == Vector256<float>.Count && Avx.IsSupported)
        {
            return PixelMath.FromSingle<T>(Avx.Max(Vector.AsVectorSingle(a).AsVector256(), Vector.AsVectorSingle(b).AsVector256()).AsVector());
        }

        return PixelMath.Max(a, b);
    }

    /// <summary>
    /// Writes class <paramref name="c"/>'s gradient at the vector of pixels starting at <paramref name="i"/>: one store,
    /// no branch (a chunk that ends inside a vector writes padded rows; lanes past the chunk are never copied out).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetGradient(int c, int i, Vector<T> value) =>
        Store(value, ref MemoryMarshal.GetReference(_vectorGradient), (c * _vectorStride) + _vectorStart + i);

    /// <summary>Writes per-pixel map <paramref name="k"/> (a topk's values) at the vector of pixels starting at <paramref name="i"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetMapAt(int k, int i, Vector<T> value) => SetClassMapAt(k, 0, i, value);

    /// <summary>Writes class <paramref name="c"/>'s row of per-pixel map <paramref name="k"/> (Lovász's errors) at the vector of pixels starting at <paramref name="i"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SetClassMapAt(int k, int c, int i, Vector<T> value) => Store(value, ref MapStart(k, c), i);

    /// <summary>The gradient of per-pixel map <paramref name="k"/> at the vector of pixels starting at <paramref name="i"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> MapGradientAt(int k, int i) => ClassMapGradientAt(k, 0, i);

    /// <summary>The gradient of class <paramref name="c"/>'s row of per-pixel map <paramref name="k"/> at the vector of pixels starting at <paramref name="i"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> ClassMapGradientAt(int k, int c, int i) => Load(ref MapStart(k, c), i);

    /// <summary>Each pixel's value of per-class map <paramref name="k"/>'s gradient at its own class (<paramref name="isClass"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public Vector<T> MapGradientAtClass(int k, Span<Vector<T>> isClass, int i)
    {
        var value = ClassMapGradientAt(k, 0, i);
        for (var c = 1; c < isClass.Length; c++)
        {
            value = Vector.ConditionalSelect(isClass[c], ClassMapGradientAt(k, c, i), value);
        }

        return value;
    }

    /// <summary>
    /// Softmax over the classes at the vector of pixels starting at <paramref name="i"/>: p into <paramref name="p"/>,
    /// and log p into <paramref name="logp"/> unless it is empty. The same steps as <see cref="ChunkSoftmax"/>:
    /// z - max, e = exp(z - max), p = e · (1 / Σ e), log p = (z - max) - log Σ e.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void SoftmaxAt(int i, Span<Vector<T>> p, Span<Vector<T>> logp)
    {
        var max = LogitsAt(0, i);
        for (var c = 1; c < Classes; c++)
        {
            max = ShiftMaximum(max, LogitsAt(c, i));
        }

        var withLog = !logp.IsEmpty;
        var sum = Vector<T>.Zero;
        for (var c = 0; c < Classes; c++)
        {
            var shifted = LogitsAt(c, i) - max;
            if (withLog)
            {
                logp[c] = shifted;
            }

            var exponential = PixelMath.ExpOfShifted(shifted);
            p[c] = exponential;
            sum += exponential;
        }

        var reciprocal = Vector<T>.One / sum;
        for (var c = 0; c < Classes; c++)
        {
            p[c] *= reciprocal;
        }

        if (withLog)
        {
            var logSum = PixelMath.LogOfNormal(sum);
            for (var c = 0; c < Classes; c++)
            {
                logp[c] -= logSum;
            }
        }
    }
}
