using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SegLoss.Runtime.Kernels.Statistics;

/// <summary>
/// log(x) and log(1 + x) on a vector of floats, for the per-pixel kernels: Cephes' <c>logf</c> (x = m·2^e with m in
/// [√½, √2), log m = t - t²/2 + t³·P(t) for t = m - 1, plus e·ln 2 in two parts), within 2 ulp of the exact value.
/// Zero gives -∞, negative values and NaN give NaN, +∞ stays +∞; subnormal inputs are scaled into the normal range
/// first. Written here for the same reasons as <see cref="VectorExp"/>.
/// </summary>
internal static class VectorLog
{
    private const float SmallestNormal = 1.17549435e-38f;

    /// <summary>log(x) (see the class remarks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Log(Vector<float> x)
    {
        // Subnormals: times 2^23, whose exponent is taken off again below.
        var subnormal = Vector.LessThan(x, new Vector<float>(SmallestNormal));
        var scaled = Vector.ConditionalSelect(subnormal, x * new Vector<float>(8388608f), x);
        var bits = Vector.AsVectorInt32(scaled);
        var exponent = Vector.ShiftRightArithmetic(bits, 23) - new Vector<int>(126) - (new Vector<int>(23) & subnormal);
        var mantissa = Vector.AsVectorSingle((bits & new Vector<int>(0x007FFFFF)) | new Vector<int>(0x3F000000));

        // m in [0.5, 1): below √½ take 2m - 1 and one less in the exponent, so that t = m - 1 stays within ±0.3.
        var low = Vector.LessThan(mantissa, new Vector<float>(0.707106781186547524f));
        exponent += low;
        var t = Vector.ConditionalSelect(low, mantissa + mantissa, mantissa) - Vector<float>.One;
        var t2 = t * t;
        var polynomial = new Vector<float>(7.0376836292E-2f);
        polynomial = (polynomial * t) + new Vector<float>(-1.1514610310E-1f);
        polynomial = (polynomial * t) + new Vector<float>(1.1676998740E-1f);
        polynomial = (polynomial * t) + new Vector<float>(-1.2420140846E-1f);
        polynomial = (polynomial * t) + new Vector<float>(1.4249322787E-1f);
        polynomial = (polynomial * t) + new Vector<float>(-1.6668057665E-1f);
        polynomial = (polynomial * t) + new Vector<float>(2.0000714765E-1f);
        polynomial = (polynomial * t) + new Vector<float>(-2.4999993993E-1f);
        polynomial = (polynomial * t) + new Vector<float>(3.3333331174E-1f);
        var e = Vector.ConvertToSingle(exponent);
        var y = (polynomial * t * t2) + (e * new Vector<float>(-2.12194440e-4f)) - (t2 * new Vector<float>(0.5f));
        var result = t + y + (e * new Vector<float>(0.693359375f));

        // Zero, negative, infinite and NaN inputs.
        result = Vector.ConditionalSelect(Vector.Equals(x, Vector<float>.Zero), new Vector<float>(float.NegativeInfinity), result);
        result = Vector.ConditionalSelect(Vector.Equals(x, new Vector<float>(float.PositiveInfinity)), x, result);
        return Vector.ConditionalSelect(Vector.LessThan(x, Vector<float>.Zero) | ~Vector.Equals(x, x), new Vector<float>(float.NaN), result);
    }

    /// <summary>
    /// log(x) for x a normal positive float or NaN (a softmax's Σ exp, at least 1): the same steps as <see cref="Log"/>
    /// without its subnormal, zero, negative and infinite cases, with AVX2 and FMA where the CPU has them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> LogOfNormal(Vector<float> x)
    {
        if (Vector<float>.Count == Vector256<float>.Count && Fma.IsSupported && Avx2.IsSupported)
        {
            return LogOfNormal(x.AsVector256()).AsVector();
        }

        return Log(x);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> LogOfNormal(Vector256<float> x)
    {
        var bits = x.AsInt32();
        var exponent = Avx2.Subtract(Avx2.ShiftRightArithmetic(bits, 23), Vector256.Create(126));
        var mantissa = Avx2.Or(Avx2.And(bits, Vector256.Create(0x007FFFFF)), Vector256.Create(0x3F000000)).AsSingle();
        var low = Avx.CompareLessThan(mantissa, Vector256.Create(0.707106781186547524f));
        exponent = Avx2.Add(exponent, low.AsInt32());
        var t = Avx.Subtract(Avx.BlendVariable(mantissa, Avx.Add(mantissa, mantissa), low), Vector256<float>.One);
        var t2 = Avx.Multiply(t, t);
        var polynomial = Vector256.Create(7.0376836292E-2f);
        polynomial = Fma.MultiplyAdd(polynomial, t, Vector256.Create(-1.1514610310E-1f));
        polynomial = Fma.MultiplyAdd(polynomial, t, Vector256.Create(1.1676998740E-1f));
        polynomial = Fma.MultiplyAdd(polynomial, t, Vector256.Create(-1.2420140846E-1f));
        polynomial = Fma.MultiplyAdd(polynomial, t, Vector256.Create(1.4249322787E-1f));
        polynomial = Fma.MultiplyAdd(polynomial, t, Vector256.Create(-1.6668057665E-1f));
        polynomial = Fma.MultiplyAdd(polynomial, t, Vector256.Create(2.0000714765E-1f));
        polynomial = Fma.MultiplyAdd(polynomial, t, Vector256.Create(-2.4999993993E-1f));
        polynomial = Fma.MultiplyAdd(polynomial, t, Vector256.Create(3.3333331174E-1f));
        var e = Avx.ConvertToVector256Single(exponent);
        var y = Fma.MultiplyAdd(Avx.Multiply(polynomial, t), t2, Avx.Multiply(e, Vector256.Create(-2.12194440e-4f)));
        y = Fma.MultiplyAddNegated(t2, Vector256.Create(0.5f), y);
        var result = Fma.MultiplyAdd(e, Vector256.Create(0.693359375f), Avx.Add(t, y));
        return Avx.BlendVariable(result, x, Avx.CompareUnordered(x, x));
    }

    /// <summary>
    /// log(1 + x) for x ≥ -1: with w = 1 + x rounded, log(w) · x / (w - 1), which cancels w's rounding error (Kahan);
    /// x itself where w rounds to 1.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> LogP1(Vector<float> x)
    {
        var w = Vector<float>.One + x;
        var shifted = w - Vector<float>.One;
        var corrected = Log(w) * (x / shifted);
        var result = Vector.ConditionalSelect(Vector.Equals(shifted, Vector<float>.Zero), x, corrected);

        // w = ∞ (x = ∞): log w itself, not ∞ · (∞ / ∞).
        return Vector.ConditionalSelect(Vector.Equals(w, new Vector<float>(float.PositiveInfinity)), w, result);
    }
}
