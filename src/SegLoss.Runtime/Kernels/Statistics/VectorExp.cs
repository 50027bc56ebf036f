using System.Numerics;
using System.Runtime.CompilerServices;

namespace SegLoss.Runtime.Kernels.Statistics;

/// <summary>
/// exp(x) on a vector of floats, for the CPU kernel's softmax (x = z - max ≤ 0) and sigmoid: Cephes' <c>expf</c> (x = n·ln 2
/// + r, |r| ≤ ln 2 / 2, a degree-7 polynomial for e^r, times 2^n built in the exponent bits), within 2 ulp of the
/// exact value. Results below 2^-126 (x &lt; -87.34) are 0 instead of subnormal; NaN stays NaN. It is written here,
/// not taken from TensorPrimitives, to run inside the softmax's sweep (no pass of its own) and to be compiled optimized
/// from the first call: TensorPrimitives' float exp and sigmoid compute in double and go through the JIT's tiers.
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
        var sigmoid = Vector<float>.One / (Vector<float>.One + Exp(Vector.Min(-x, new Vector<float>(88f))));
        return Vector.ConditionalSelect(Vector.Equals(x, x), sigmoid, x);
    }

    /// <summary>exp(x) for x ≤ 88 (see the class remarks).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Exp(Vector<float> x)
    {
        var lowest = new Vector<float>(Lowest);
        var clamped = Vector.Max(x, lowest);
        var n = Vector.Floor((clamped * new Vector<float>(1.44269504088896341f)) + new Vector<float>(0.5f));
        var r = clamped - (n * new Vector<float>(0.693359375f)) - (n * new Vector<float>(-2.12194440e-4f));
        var polynomial = new Vector<float>(1.9875691500e-4f);
        polynomial = (polynomial * r) + new Vector<float>(1.3981999507e-3f);
        polynomial = (polynomial * r) + new Vector<float>(8.3334519073e-3f);
        polynomial = (polynomial * r) + new Vector<float>(4.1665795894e-2f);
        polynomial = (polynomial * r) + new Vector<float>(1.6666665459e-1f);
        polynomial = (polynomial * r) + new Vector<float>(5.0000001201e-1f);
        var e = (polynomial * r * r) + r + Vector<float>.One;
        var scale = Vector.AsVectorSingle(Vector.ShiftLeft(Vector.ConvertToInt32(n) + new Vector<int>(127), 23));
        var result = Vector.ConditionalSelect(Vector.GreaterThanOrEqual(x, lowest), e * scale, Vector<float>.Zero);
        return Vector.ConditionalSelect(Vector.Equals(x, x), result, x);
    }
}
