using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace SegLoss.Runtime.Kernels.Statistics;

/// <summary>
/// The operations of the expression language on a vector of pixels, for the per-pixel kernels that keep every value in
/// registers: the same results as <see cref="ChunkMath"/>'s, element by element. Float exponentials and logarithms use
/// <see cref="VectorExp"/> and <see cref="VectorLog"/>; the other transcendental functions, and every one in double
/// (where the kernels serve exactness, not speed), are computed lane by lane with .NET's own.
/// </summary>
public static class PixelMath
{
    /// <summary>A scalar of the expression (a <c>double</c>) in every lane.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Broadcast<T>(double value)
        where T : unmanaged, IFloatingPointIeee754<T> => new(T.CreateTruncating(value));

    /// <summary><paramref name="value"/> where <paramref name="isClass"/> is set (the pixel is of that class), 0 elsewhere.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> WhereClass<T>(Vector<T> isClass, Vector<T> value)
        where T : unmanaged, IFloatingPointIeee754<T> => isClass & value;

    /// <summary>
    /// Each pixel's entry of its own class's row (row 0's where the pixel is of none of them). The spans are the
    /// kernel's scratch vectors (<see cref="Span{T}"/>, not read-only, so that C# before 14 infers T from them).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> AtClass<T>(Span<Vector<T>> isClass, Span<Vector<T>> rows)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var value = rows[0];
        for (var c = 1; c < rows.Length; c++)
        {
            value = Vector.ConditionalSelect(isClass[c], rows[c], value);
        }

        return value;
    }

    /// <summary>
    /// log(1 - pt) under a softmax: the log of the other classes' p, Σ over c ≠ class of p; where that sum is too small
    /// for p's precision (the other classes' p underflow as pt rounds to 1), the logsumexp of their log p, as
    /// <see cref="KernelChunk{T}.LogComplementAtTrueClass(ClassRows{T}, ClassRows{T}, Span{T})"/> computes it.
    /// </summary>
    public static Vector<T> LogComplementAtClass<T>(Span<Vector<T>> isClass, Span<Vector<T>> p, Span<Vector<T>> logp)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var others = Vector<T>.Zero;
        for (var c = 0; c < p.Length; c++)
        {
            others += Vector.AndNot(p[c], isClass[c]);
        }

        var smallest = new Vector<T>(T.CreateTruncating(typeof(T) == typeof(float) ? 1e-30 : 1e-290));
        var imprecise = ~Vector.GreaterThanOrEqual(others, smallest);
        var result = Log(others);
        return Vector.EqualsAll(imprecise, Vector<T>.Zero) ? result : Vector.ConditionalSelect(imprecise, LogSumExpOfOthers(isClass, logp), result);
    }

    /// <summary>log Σ over c ≠ class of exp(log p): m + log Σ exp(log p - m), -∞ when every other class is at -∞.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static Vector<T> LogSumExpOfOthers<T>(ReadOnlySpan<Vector<T>> isClass, ReadOnlySpan<Vector<T>> logp)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var negativeInfinity = new Vector<T>(T.NegativeInfinity);
        var max = negativeInfinity;
        for (var c = 0; c < logp.Length; c++)
        {
            max = Max(max, Vector.ConditionalSelect(isClass[c], negativeInfinity, logp[c]));
        }

        var sum = Vector<T>.Zero;
        for (var c = 0; c < logp.Length; c++)
        {
            sum += Vector.AndNot(Exp(logp[c] - max), isClass[c]);
        }

        return Vector.ConditionalSelect(Vector.Equals(max, negativeInfinity), max, max + Log(sum));
    }

    /// <summary>exp(x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Exp<T>(Vector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        // VectorExp serves x ≤ 88 (it flushes results below 2^-126 to 0); above, near float's overflow, each lane is
        // computed on its own.
        return typeof(T) == typeof(float) && !Vector.GreaterThanAny(Vector.AsVectorSingle(x), new Vector<float>(88f))
            ? FromSingle<T>(VectorExp.Exp(Vector.AsVectorSingle(x)))
            : Lanes(x, static v => T.Exp(v));
    }

    /// <summary>log(x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Log<T>(Vector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? FromSingle<T>(VectorLog.Log(Vector.AsVectorSingle(x))) : Lanes(x, static v => T.Log(v));

    /// <summary>log(x) for x a normal positive value or NaN (a softmax's Σ exp, at least 1).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector<T> LogOfNormal<T>(Vector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? FromSingle<T>(VectorLog.LogOfNormal(Vector.AsVectorSingle(x))) : Lanes(x, static v => T.Log(v));

    /// <summary>exp(x) for x ≤ 0 or NaN (a softmax's z - max).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector<T> ExpOfShifted<T>(Vector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? FromSingle<T>(VectorExp.Exp(Vector.AsVectorSingle(x))) : Lanes(x, static v => T.Exp(v));

    /// <summary>log(1 + x).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> LogP1<T>(Vector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? FromSingle<T>(VectorLog.LogP1(Vector.AsVectorSingle(x))) : Lanes(x, static v => T.LogP1(v));

    /// <summary>σ(x) = 1 / (1 + exp(-x)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Sigmoid<T>(Vector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? FromSingle<T>(VectorExp.Sigmoid(Vector.AsVectorSingle(x))) : Lanes(x, static v => T.One / (T.One + T.Exp(-v)));

    /// <summary>log σ(x) = min(x, 0) - log1p(exp(-|x|)), stable at any magnitude.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> LogSigmoid<T>(Vector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            var single = Vector.AsVectorSingle(x);
            var softplus = VectorLog.LogP1(VectorExp.Exp(-Vector.Abs(single)));
            return FromSingle<T>(Vector.Min(single, Vector<float>.Zero) - softplus);
        }

        return Lanes(x, static v => T.Min(v, T.Zero) - T.LogP1(T.Exp(-T.Abs(v))));
    }

    /// <summary>√x.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Sqrt<T>(Vector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> => Vector.SquareRoot(x);

    /// <summary>|x|.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Abs<T>(Vector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> => Vector.Abs(x);

    /// <summary>max(x, y), NaN where either is.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Max<T>(Vector<T> x, Vector<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector.ConditionalSelect(Vector.Equals(x, x), Vector.ConditionalSelect(Vector.Equals(y, y), Vector.Max(x, y), y), x);

    /// <summary>min(x, y), NaN where either is.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Min<T>(Vector<T> x, Vector<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector.ConditionalSelect(Vector.Equals(x, x), Vector.ConditionalSelect(Vector.Equals(y, y), Vector.Min(x, y), y), x);

    /// <summary>x^e with a scalar exponent (e = 2 is x·x and e = 1 is x, as <see cref="ChunkMath.Pow{T}(ReadOnlySpan{T}, double, Span{T})"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Pow<T>(Vector<T> x, double e)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (e == 2)
        {
            return x * x;
        }

        return e == 1 ? x : Lanes(x, T.CreateTruncating(e), static (v, power) => T.Pow(v, power));
    }

    /// <summary>a^x with a scalar base.</summary>
    public static Vector<T> Pow<T>(double a, Vector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> => Lanes(x, T.CreateTruncating(a), static (v, radix) => T.Pow(radix, v));

    /// <summary>x^y, element-wise.</summary>
    public static Vector<T> Pow<T>(Vector<T> x, Vector<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => Lanes(x, y, static (a, b) => T.Pow(a, b));

    /// <summary>d(x^e)/dx = e·x^(e-1), and 0 for e = 0.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> PowDerivative<T>(Vector<T> x, double e)
        where T : unmanaged, IFloatingPointIeee754<T> => e == 0 ? Vector<T>.Zero : Pow(x, e - 1) * Broadcast<T>(e);

    /// <summary>d max(x, y)/dx: 1 where x is larger, 1/2 at a tie.</summary>
    public static Vector<T> MaxDerivative<T>(Vector<T> x, Vector<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector.ConditionalSelect(Vector.Equals(x, y), Broadcast<T>(0.5), Vector.ConditionalSelect(Vector.GreaterThan(x, y), Vector<T>.One, Vector<T>.Zero));

    /// <summary>d min(x, y)/dx: 1 where x is smaller, 1/2 at a tie.</summary>
    public static Vector<T> MinDerivative<T>(Vector<T> x, Vector<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Vector.ConditionalSelect(Vector.Equals(x, y), Broadcast<T>(0.5), Vector.ConditionalSelect(Vector.LessThan(x, y), Vector<T>.One, Vector<T>.Zero));

    /// <summary>x &gt; y as 0 or 1.</summary>
    public static Vector<T> Greater<T>(Vector<T> x, Vector<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => Vector.ConditionalSelect(Vector.GreaterThan(x, y), Vector<T>.One, Vector<T>.Zero);

    /// <summary>x &lt; y as 0 or 1.</summary>
    public static Vector<T> Less<T>(Vector<T> x, Vector<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => Vector.ConditionalSelect(Vector.LessThan(x, y), Vector<T>.One, Vector<T>.Zero);

    /// <summary>x &gt;= y as 0 or 1.</summary>
    public static Vector<T> GreaterOrEqual<T>(Vector<T> x, Vector<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, y), Vector<T>.One, Vector<T>.Zero);

    /// <summary>x &lt;= y as 0 or 1.</summary>
    public static Vector<T> LessOrEqual<T>(Vector<T> x, Vector<T> y)
        where T : unmanaged, IFloatingPointIeee754<T> => Vector.ConditionalSelect(Vector.LessThanOrEqual(x, y), Vector<T>.One, Vector<T>.Zero);

    /// <summary>cosh(x).</summary>
    public static Vector<T> Cosh<T>(Vector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> => Lanes(x, static v => T.Cosh(v));

    /// <summary>sinh(x).</summary>
    public static Vector<T> Sinh<T>(Vector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> => Lanes(x, static v => T.Sinh(v));

    /// <summary>The sign of each element: -1, 0 or 1 (NaN and ±0 kept as <see cref="ChunkMath.Sign{T}"/> does).</summary>
    public static Vector<T> Sign<T>(Vector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Lanes(x, static v => T.IsZero(v) || T.IsNaN(v) ? v * T.Zero : T.IsNegative(v) ? -T.One : T.One);

    /// <summary>Rounds to single precision (a no-op for float).</summary>
    public static Vector<T> RoundToFloat32<T>(Vector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float) ? x : Lanes(x, static v => T.CreateTruncating(float.CreateTruncating(v)));

    /// <summary>exp(min(x, 0)).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> ExpNonPositive<T>(Vector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        typeof(T) == typeof(float)
            ? FromSingle<T>(VectorExp.Exp(Vector.Min(Vector.AsVectorSingle(x), Vector<float>.Zero)))
            : Lanes(x, static v => T.Exp(T.Min(v, T.Zero)));

    /// <summary>log(1 - exp(x)) for x &lt;= 0, as <see cref="ChunkMath.LogOneMinusExp{T}"/>.</summary>
    public static Vector<T> LogOneMinusExp<T>(Vector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Lanes(x, static v => v > T.CreateTruncating(-Math.Log(2)) ? T.Log(-T.ExpM1(v)) : T.LogP1(-T.Exp(v)));

    /// <summary>d log(1 - exp(x))/dx, as <see cref="ChunkMath.LogOneMinusExpDerivative{T}"/>.</summary>
    public static Vector<T> LogOneMinusExpDerivative<T>(Vector<T> x)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Lanes(x, static v => v > T.CreateTruncating(-Math.Log(2)) ? T.Exp(v) / T.ExpM1(v) : -T.Exp(v) / (T.One - T.Exp(v)));

    /// <summary>A float vector as a <see cref="Vector{T}"/> of T = float.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static Vector<T> FromSingle<T>(Vector<float> x)
        where T : unmanaged => Unsafe.As<Vector<float>, Vector<T>>(ref x);

    /// <summary>f at each lane.</summary>
    private static Vector<T> Lanes<T>(Vector<T> x, Func<T, T> f)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> lanes = stackalloc T[Vector<T>.Count];
        x.CopyTo(lanes);
        for (var lane = 0; lane < lanes.Length; lane++)
        {
            lanes[lane] = f(lanes[lane]);
        }

        return new Vector<T>(lanes);
    }

    /// <summary>f at each lane, with a second argument the same in every lane.</summary>
    private static Vector<T> Lanes<T>(Vector<T> x, T y, Func<T, T, T> f)
        where T : unmanaged, IFloatingPointIeee754<T> => Lanes(x, new Vector<T>(y), f);

    /// <summary>f at each lane of two vectors.</summary>
    private static Vector<T> Lanes<T>(Vector<T> x, Vector<T> y, Func<T, T, T> f)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        Span<T> lanes = stackalloc T[Vector<T>.Count];
        Span<T> others = stackalloc T[Vector<T>.Count];
        x.CopyTo(lanes);
        y.CopyTo(others);
        for (var lane = 0; lane < lanes.Length; lane++)
        {
            lanes[lane] = f(lanes[lane], others[lane]);
        }

        return new Vector<T>(lanes);
    }
}
