using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;

namespace SegLoss.Runtime.Kernels.Statistics;

/// <summary>
/// exp(x) on a vector of floats, for the CPU kernel's softmax (x = z - max ≤ 0) and sigmoid: Cephes' <c>expf</c> (x = n·ln 2
/// + r, |r| ≤ ln 2 / 2, a degree-7 polynomial for e^r, times 2^n built in the exponent bits), within 2 ulp of the
/// exact value. Results below 2^-126 (x &lt; -87.34) are 0 instead of subnormal; NaN stays NaN. It is written here,
/// not taken from TensorPrimitives, to run inside the softmax's sweep (no pass of its own) and to be compiled optimized
/// from the first call: TensorPrimitives' float exp and sigmoid compute in double and go through the JIT's tiers.
/// Where the CPU has AVX2 and FMA and <see cref="Vector{T}"/> is 256 bits wide, the same steps are written with those
/// instructions: fused multiply-adds, and the native max and conversion (the portable ones carry NaN and saturation
/// fix-ups, which the explicit NaN select here makes unneeded).
/// </summary>
internal static class VectorExp
{
    /// <summary>The smallest argument whose exponential is a normal float.</summary>
    public const float Lowest = -87.33654f;

    /// <summary>
    /// σ(x) = 1 / (1 + exp(-x)) for any x: exp(-x) of -x clamped to 88 (so below x = -88, where σ is under 10⁻³⁸, the
    /// result is 6·10⁻³⁹ rather than smaller); within 3 ulp elsewhere; NaN stays NaN.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Sigmoid(Vector<float> x)
    {
        // exp's argument bounded to 88. A NaN x gives 88 through the CPU's own min (Vector.Min's NaN fix-ups cost
        // three instructions); the select below makes it NaN again.
        var bounded = Vector<float>.Count == Vector256<float>.Count && Avx.IsSupported
            ? Avx.Min((-x).AsVector256(), Vector256.Create(88f)).AsVector()
            : Vector.Min(-x, new Vector<float>(88f));
        var sigmoid = Vector<float>.One / (Vector<float>.One + Exp(bounded));
        return Vector.ConditionalSelect(Vector.Equals(x, x), sigmoid, x);
    }

    /// <summary>exp(x) for x ≤ 88 (see the class remarks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Exp(Vector<float> x)
    {
        if (Vector<float>.Count == Vector256<float>.Count && Fma.IsSupported && Avx2.IsSupported)
        {
            return Exp(x.AsVector256()).AsVector();
        }

        var lowest = new Vector<float>(Lowest);
        var clamped = Vector.Max(x, lowest);
        var n = Vector.Floor((clamped * new Vector<float>(Log2E)) + new Vector<float>(0.5f));
        var r = clamped - (n * new Vector<float>(Ln2High)) - (n * new Vector<float>(Ln2Low));
        var polynomial = new Vector<float>(P0);
        polynomial = (polynomial * r) + new Vector<float>(P1);
        polynomial = (polynomial * r) + new Vector<float>(P2);
        polynomial = (polynomial * r) + new Vector<float>(P3);
        polynomial = (polynomial * r) + new Vector<float>(P4);
        polynomial = (polynomial * r) + new Vector<float>(P5);
        var e = (polynomial * r * r) + r + Vector<float>.One;
        var scale = Vector.AsVectorSingle(Vector.ShiftLeft(Vector.ConvertToInt32(n) + new Vector<int>(127), 23));
        var result = Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, lowest), e * scale, Vector<float>.Zero);
        return Vector.ConditionalSelect(Vector.Equals(x, x), result, x);
    }

    /// <summary>The same steps with AVX2 and FMA instructions.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<float> Exp(Vector256<float> x)
    {
        var lowest = Vector256.Create(Lowest);
        var clamped = Avx.Max(x, lowest);
        var n = Avx.RoundToNegativeInfinity(Fma.MultiplyAdd(clamped, Vector256.Create(Log2E), Vector256.Create(0.5f)));
        var r = Fma.MultiplyAddNegated(n, Vector256.Create(Ln2High), clamped);
        r = Fma.MultiplyAddNegated(n, Vector256.Create(Ln2Low), r);
        var polynomial = Vector256.Create(P0);
        polynomial = Fma.MultiplyAdd(polynomial, r, Vector256.Create(P1));
        polynomial = Fma.MultiplyAdd(polynomial, r, Vector256.Create(P2));
        polynomial = Fma.MultiplyAdd(polynomial, r, Vector256.Create(P3));
        polynomial = Fma.MultiplyAdd(polynomial, r, Vector256.Create(P4));
        polynomial = Fma.MultiplyAdd(polynomial, r, Vector256.Create(P5));
        var e = Fma.MultiplyAdd(polynomial, Avx.Multiply(r, r), Avx.Add(r, Vector256<float>.One));
        var scale = Avx2.ShiftLeftLogical(Avx2.Add(Avx.ConvertToVector256Int32WithTruncation(n), Vector256.Create(127)), 23).AsSingle();
        var result = Avx.And(Avx.Multiply(e, scale), Avx.CompareGreaterThanOrEqual(x, lowest));
        return Avx.BlendVariable(result, x, Avx.CompareUnordered(x, x));
    }

    private const float Log2E = 1.44269504088896341f;
    private const float Ln2High = 0.693359375f;
    private const float Ln2Low = -2.12194440e-4f;
    private const float P0 = 1.9875691500e-4f;
    private const float P1 = 1.3981999507e-3f;
    private const float P2 = 8.3334519073e-3f;
    private const float P3 = 4.1665795894e-2f;
    private const float P4 = 1.6666665459e-1f;
    private const float P5 = 5.0000001201e-1f;
}
