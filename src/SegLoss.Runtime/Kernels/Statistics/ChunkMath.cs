using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace SegLoss.Runtime.Kernels.Statistics;

/// <summary>
/// The operations of the expression language on one chunk's buffers, for generated CPU kernels: vectorized span
/// arithmetic (System.Numerics.Tensors) with the scalar operands as <c>double</c>, and the derivative rules of the
/// closed-form backward, each as the tensor path computes it.
/// </summary>
public static class ChunkMath
{
    /// <summary>x + y, element-wise.</summary>
    public static void Add<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => TP.Add(x, y, destination);

    /// <summary>x + y, element-wise.</summary>
    public static void Add<T>(ReadOnlySpan<T> x, double y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => TP.Add(x, T.CreateTruncating(y), destination);

    /// <summary>x + y, element-wise.</summary>
    public static void Add<T>(double x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => TP.Add(y, T.CreateTruncating(x), destination);

    /// <summary>x - y, element-wise.</summary>
    public static void Subtract<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => TP.Subtract(x, y, destination);

    /// <summary>x - y, element-wise.</summary>
    public static void Subtract<T>(ReadOnlySpan<T> x, double y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => TP.Subtract(x, T.CreateTruncating(y), destination);

    /// <summary>x - y, element-wise.</summary>
    public static void Subtract<T>(double x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => TP.Subtract(T.CreateTruncating(x), y, destination);

    /// <summary>x · a + b, element-wise, in one pass.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MultiplyAdd<T>(ReadOnlySpan<T> x, double a, double b, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var (scale, offset) = (T.CreateTruncating(a), T.CreateTruncating(b));
        var (scales, offsets) = (new Vector<T>(scale), new Vector<T>(offset));
        ref var value = ref MemoryMarshal.GetReference(x);
        ref var result = ref MemoryMarshal.GetReference(destination);
        var i = 0;
        for (; i + Vector<T>.Count <= x.Length; i += Vector<T>.Count)
        {
            VectorRows.Store((VectorRows.Load(ref value, i) * scales) + offsets, ref result, i);
        }

        for (; i < x.Length; i++)
        {
            destination[i] = (x[i] * scale) + offset;
        }
    }

    /// <summary>a · p · (1 - p), element-wise, in one pass: an adjoint of p through a sigmoid.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void SigmoidSlope<T>(ReadOnlySpan<T> a, ReadOnlySpan<T> p, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref var adjoint = ref MemoryMarshal.GetReference(a);
        ref var probability = ref MemoryMarshal.GetReference(p);
        ref var result = ref MemoryMarshal.GetReference(destination);
        var i = 0;
        for (; i + Vector<T>.Count <= p.Length; i += Vector<T>.Count)
        {
            var pv = VectorRows.Load(ref probability, i);
            VectorRows.Store(VectorRows.Load(ref adjoint, i) * pv * (Vector<T>.One - pv), ref result, i);
        }

        for (; i < p.Length; i++)
        {
            destination[i] = a[i] * p[i] * (T.One - p[i]);
        }
    }

    /// <summary>x · y, element-wise.</summary>
    public static void Multiply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => TP.Multiply(x, y, destination);

    /// <summary>x · y, element-wise.</summary>
    public static void Multiply<T>(ReadOnlySpan<T> x, double y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => TP.Multiply(x, T.CreateTruncating(y), destination);

    /// <summary>x · y, element-wise.</summary>
    public static void Multiply<T>(double x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => TP.Multiply(y, T.CreateTruncating(x), destination);

    /// <summary>x / y, element-wise.</summary>
    public static void Divide<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => TP.Divide(x, y, destination);

    /// <summary>x / y, element-wise.</summary>
    public static void Divide<T>(ReadOnlySpan<T> x, double y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => TP.Divide(x, T.CreateTruncating(y), destination);

    /// <summary>x / y, element-wise.</summary>
    public static void Divide<T>(double x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => TP.Divide(T.CreateTruncating(x), y, destination);

    /// <summary>x^e with a scalar exponent (e = 2 is x·x, as torch computes it).</summary>
    public static void Pow<T>(ReadOnlySpan<T> x, double e, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (e == 2)
        {
            TP.Multiply(x, x, destination);
        }
        else if (e == 1)
        {
            x.CopyTo(destination);
        }
        else
        {
            TP.Pow(x, T.CreateTruncating(e), destination);
        }
    }

    /// <summary>a^x with a scalar base.</summary>
    public static void Pow<T>(double a, ReadOnlySpan<T> x, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => TP.Pow(T.CreateTruncating(a), x, destination);

    /// <summary>max(x, y), element-wise.</summary>
    public static void Max<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => TP.Max(x, y, destination);

    /// <summary>max(x, y), element-wise.</summary>
    public static void Max<T>(ReadOnlySpan<T> x, double y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => TP.Max(x, T.CreateTruncating(y), destination);

    /// <summary>max(x, y), element-wise.</summary>
    public static void Max<T>(double x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => TP.Max(y, T.CreateTruncating(x), destination);

    /// <summary>min(x, y), element-wise.</summary>
    public static void Min<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => TP.Min(x, y, destination);

    /// <summary>min(x, y), element-wise.</summary>
    public static void Min<T>(ReadOnlySpan<T> x, double y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => TP.Min(x, T.CreateTruncating(y), destination);

    /// <summary>min(x, y), element-wise.</summary>
    public static void Min<T>(double x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => TP.Min(y, T.CreateTruncating(x), destination);

    /// <summary>-x.</summary>
    public static void Negate<T>(ReadOnlySpan<T> x, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => TP.Negate(x, destination);

    /// <summary>exp(x).</summary>
    public static void Exp<T>(ReadOnlySpan<T> x, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => TP.Exp(x, destination);

    /// <summary>log(x).</summary>
    public static void Log<T>(ReadOnlySpan<T> x, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => TP.Log(x, destination);

    /// <summary>sqrt(x).</summary>
    public static void Sqrt<T>(ReadOnlySpan<T> x, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => TP.Sqrt(x, destination);

    /// <summary>|x|.</summary>
    public static void Abs<T>(ReadOnlySpan<T> x, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => TP.Abs(x, destination);

    /// <summary>cosh(x).</summary>
    public static void Cosh<T>(ReadOnlySpan<T> x, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => TP.Cosh(x, destination);

    /// <summary>sinh(x).</summary>
    public static void Sinh<T>(ReadOnlySpan<T> x, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => TP.Sinh(x, destination);

    /// <summary>The sign of each element: -1, 0 or 1.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sign<T>(ReadOnlySpan<T> x, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < x.Length; i++)
        {
            destination[i] = T.IsZero(x[i]) || T.IsNaN(x[i]) ? x[i] * T.Zero : T.IsNegative(x[i]) ? -T.One : T.One;
        }
    }

    /// <summary>Rounds to single precision (a no-op for float).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void RoundToFloat32<T>(ReadOnlySpan<T> x, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < x.Length; i++)
        {
            destination[i] = T.CreateTruncating(float.CreateTruncating(x[i]));
        }
    }

    /// <summary>x &gt; y as 0 or 1.</summary>
    public static void Greater<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => Compare(x, y, destination, static (a, b) => a > b);

    /// <summary>x &gt; y as 0 or 1.</summary>
    public static void Greater<T>(ReadOnlySpan<T> x, double y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => Compare(x, T.CreateTruncating(y), destination, static (a, b) => a > b);

    /// <summary>x &gt; y as 0 or 1.</summary>
    public static void Greater<T>(double x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => Compare(y, T.CreateTruncating(x), destination, static (a, b) => a < b);

    /// <summary>x &lt; y as 0 or 1.</summary>
    public static void Less<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => Compare(x, y, destination, static (a, b) => a < b);

    /// <summary>x &lt; y as 0 or 1.</summary>
    public static void Less<T>(ReadOnlySpan<T> x, double y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => Compare(x, T.CreateTruncating(y), destination, static (a, b) => a < b);

    /// <summary>x &lt; y as 0 or 1.</summary>
    public static void Less<T>(double x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => Compare(y, T.CreateTruncating(x), destination, static (a, b) => a > b);

    /// <summary>x &gt;= y as 0 or 1.</summary>
    public static void GreaterOrEqual<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => Compare(x, y, destination, static (a, b) => a >= b);

    /// <summary>x &gt;= y as 0 or 1.</summary>
    public static void GreaterOrEqual<T>(ReadOnlySpan<T> x, double y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => Compare(x, T.CreateTruncating(y), destination, static (a, b) => a >= b);

    /// <summary>x &gt;= y as 0 or 1.</summary>
    public static void GreaterOrEqual<T>(double x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => Compare(y, T.CreateTruncating(x), destination, static (a, b) => a <= b);

    /// <summary>x &lt;= y as 0 or 1.</summary>
    public static void LessOrEqual<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => Compare(x, y, destination, static (a, b) => a <= b);

    /// <summary>x &lt;= y as 0 or 1.</summary>
    public static void LessOrEqual<T>(ReadOnlySpan<T> x, double y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => Compare(x, T.CreateTruncating(y), destination, static (a, b) => a <= b);

    /// <summary>x &lt;= y as 0 or 1.</summary>
    public static void LessOrEqual<T>(double x, ReadOnlySpan<T> y, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => Compare(y, T.CreateTruncating(x), destination, static (a, b) => a >= b);

    /// <summary>d(x^e)/dx = e·x^(e-1), and 0 for e = 0.</summary>
    public static void PowDerivative<T>(ReadOnlySpan<T> x, double e, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (e == 0)
        {
            destination.Clear();
            return;
        }

        Pow(x, e - 1, destination);
        TP.Multiply(destination, T.CreateTruncating(e), destination);
    }

    /// <summary>d max(x, y)/dx: 1 where x is larger, 1/2 at a tie.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MaxDerivative<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var half = T.CreateTruncating(0.5);
        for (var i = 0; i < x.Length; i++)
        {
            destination[i] = x[i] == y[i] ? half : x[i] > y[i] ? T.One : T.Zero;
        }
    }

    /// <summary>d max(x, bound)/dx: 1 where x &gt;= bound (clamp_min).</summary>
    public static void MaxDerivative<T>(ReadOnlySpan<T> x, double bound, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => GreaterOrEqual(x, bound, destination);

    /// <summary>d min(x, y)/dx: 1 where x is smaller, 1/2 at a tie.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void MinDerivative<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var half = T.CreateTruncating(0.5);
        for (var i = 0; i < x.Length; i++)
        {
            destination[i] = x[i] == y[i] ? half : x[i] < y[i] ? T.One : T.Zero;
        }
    }

    /// <summary>d min(x, bound)/dx: 1 where x &lt;= bound (clamp_max).</summary>
    public static void MinDerivative<T>(ReadOnlySpan<T> x, double bound, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => LessOrEqual(x, bound, destination);

    /// <summary>log(1 - exp(x)) for x &lt;= 0, switching at -ln 2 as <see cref="ExpressionOps.LogOneMinusExp"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LogOneMinusExp<T>(ReadOnlySpan<T> x, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var switchPoint = T.CreateTruncating(-Math.Log(2));
        for (var i = 0; i < x.Length; i++)
        {
            destination[i] = x[i] > switchPoint ? T.Log(-T.ExpM1(x[i])) : T.LogP1(-T.Exp(x[i]));
        }
    }

    /// <summary>d log(1 - exp(x))/dx, as <see cref="ExpressionOps.LogOneMinusExpDerivative"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LogOneMinusExpDerivative<T>(ReadOnlySpan<T> x, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var switchPoint = T.CreateTruncating(-Math.Log(2));
        for (var i = 0; i < x.Length; i++)
        {
            var e = T.Exp(x[i]);
            destination[i] = x[i] > switchPoint ? e / T.ExpM1(x[i]) : -e / (T.One - e);
        }
    }

    /// <summary>exp(min(x, 0)).</summary>
    public static void ExpNonPositive<T>(ReadOnlySpan<T> x, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        TP.Min(x, T.Zero, destination);
        TP.Exp(destination, destination);
    }

    /// <summary>log σ(x) = min(x, 0) - log1p(exp(-|x|)), stable at any magnitude.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void LogSigmoid<T>(ReadOnlySpan<T> x, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // Vectorized a block at a time; the destination may be x itself.
        const int Block = 256;
        Span<T> softplus = stackalloc T[Block];
        for (var start = 0; start < x.Length; start += Block)
        {
            var length = Math.Min(Block, x.Length - start);
            var values = x.Slice(start, length);
            var result = destination.Slice(start, length);
            var tail = softplus[..length];
            TP.Abs(values, tail);
            TP.Negate(tail, tail);
            TP.Exp(tail, tail);
            TP.LogP1(tail, tail);
            TP.Min(values, T.Zero, result);
            TP.Subtract(result, tail, result);
        }
    }

    /// <summary>σ(x): for floats <see cref="VectorExp.Sigmoid"/>, compiled optimized from the first call; else TensorPrimitives'.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Sigmoid<T>(ReadOnlySpan<T> x, Span<T> destination)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) != typeof(float) || !Vector.IsHardwareAccelerated)
        {
            TP.Sigmoid(x, destination);
            return;
        }

        ref var value = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(x));
        ref var result = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(destination));
        var i = 0;
        for (; i + Vector<float>.Count <= x.Length; i += Vector<float>.Count)
        {
            VectorRows.Store(VectorExp.Sigmoid(VectorRows.Load(ref value, i)), ref result, i);
        }

        if (i < x.Length)
        {
            TP.Sigmoid(x[i..], destination[i..]);
        }
    }

    /// <summary>log(1 + x).</summary>
    public static void LogP1<T>(ReadOnlySpan<T> x, Span<T> destination) where T : unmanaged, IFloatingPointIeee754<T> => TP.LogP1(x, destination);

    /// <summary>Every element set to <paramref name="value"/>.</summary>
    public static void Fill<T>(Span<T> destination, double value) where T : unmanaged, IFloatingPointIeee754<T> => destination.Fill(T.CreateTruncating(value));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compare<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> destination, Func<T, T, bool> predicate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < x.Length; i++)
        {
            destination[i] = predicate(x[i], y[i]) ? T.One : T.Zero;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compare<T>(ReadOnlySpan<T> x, T y, Span<T> destination, Func<T, T, bool> predicate)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        for (var i = 0; i < x.Length; i++)
        {
            destination[i] = predicate(x[i], y) ? T.One : T.Zero;
        }
    }
}
