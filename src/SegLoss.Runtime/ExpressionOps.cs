using System;
using static TorchSharp.torch;

namespace SegLoss.Runtime;

/// <summary>
/// The operations of the expression language that have no C# operator, for every mix of scalar and tensor operands
/// (generated code calls the overload its operand types pick). Comparisons give 0 or 1 and carry no gradient.
/// </summary>
public static class ExpressionOps
{
    /// <summary><c>a ^ b</c> with a scalar base.</summary>
    public static Tensor Pow(double a, Tensor b) => tensor(a, b.dtype, b.device).pow(b);

    /// <summary><c>a &gt; b</c> as 0/1.</summary>
    public static Tensor Greater(Tensor a, Tensor b) => a.gt(b).to_type(a.dtype);

    /// <inheritdoc cref="Greater(Tensor, Tensor)"/>
    public static Tensor Greater(Tensor a, double b) => a.gt(b).to_type(a.dtype);

    /// <inheritdoc cref="Greater(Tensor, Tensor)"/>
    public static Tensor Greater(double a, Tensor b) => b.lt(a).to_type(b.dtype);

    /// <inheritdoc cref="Greater(Tensor, Tensor)"/>
    public static double Greater(double a, double b) => a > b ? 1 : 0;

    /// <summary><c>a &lt; b</c> as 0/1.</summary>
    public static Tensor Less(Tensor a, Tensor b) => a.lt(b).to_type(a.dtype);

    /// <inheritdoc cref="Less(Tensor, Tensor)"/>
    public static Tensor Less(Tensor a, double b) => a.lt(b).to_type(a.dtype);

    /// <inheritdoc cref="Less(Tensor, Tensor)"/>
    public static Tensor Less(double a, Tensor b) => b.gt(a).to_type(b.dtype);

    /// <inheritdoc cref="Less(Tensor, Tensor)"/>
    public static double Less(double a, double b) => a < b ? 1 : 0;

    /// <summary><c>a &gt;= b</c> as 0/1.</summary>
    public static Tensor GreaterOrEqual(Tensor a, Tensor b) => a.ge(b).to_type(a.dtype);

    /// <inheritdoc cref="GreaterOrEqual(Tensor, Tensor)"/>
    public static Tensor GreaterOrEqual(Tensor a, double b) => a.ge(b).to_type(a.dtype);

    /// <inheritdoc cref="GreaterOrEqual(Tensor, Tensor)"/>
    public static Tensor GreaterOrEqual(double a, Tensor b) => b.le(a).to_type(b.dtype);

    /// <inheritdoc cref="GreaterOrEqual(Tensor, Tensor)"/>
    public static double GreaterOrEqual(double a, double b) => a >= b ? 1 : 0;

    /// <summary><c>a &lt;= b</c> as 0/1.</summary>
    public static Tensor LessOrEqual(Tensor a, Tensor b) => a.le(b).to_type(a.dtype);

    /// <inheritdoc cref="LessOrEqual(Tensor, Tensor)"/>
    public static Tensor LessOrEqual(Tensor a, double b) => a.le(b).to_type(a.dtype);

    /// <inheritdoc cref="LessOrEqual(Tensor, Tensor)"/>
    public static Tensor LessOrEqual(double a, Tensor b) => b.ge(a).to_type(b.dtype);

    /// <inheritdoc cref="LessOrEqual(Tensor, Tensor)"/>
    public static double LessOrEqual(double a, double b) => a <= b ? 1 : 0;

    /// <summary>Element-wise minimum.</summary>
    public static Tensor Min(Tensor a, Tensor b) => minimum(a, b);

    /// <inheritdoc cref="Min(Tensor, Tensor)"/>
    public static Tensor Min(Tensor a, double b) => a.clamp_max(b);

    /// <inheritdoc cref="Min(Tensor, Tensor)"/>
    public static Tensor Min(double a, Tensor b) => b.clamp_max(a);

    /// <inheritdoc cref="Min(Tensor, Tensor)"/>
    public static double Min(double a, double b) => Math.Min(a, b);

    /// <summary>Element-wise maximum.</summary>
    public static Tensor Max(Tensor a, Tensor b) => maximum(a, b);

    /// <inheritdoc cref="Max(Tensor, Tensor)"/>
    public static Tensor Max(Tensor a, double b) => a.clamp_min(b);

    /// <inheritdoc cref="Max(Tensor, Tensor)"/>
    public static Tensor Max(double a, Tensor b) => b.clamp_min(a);

    /// <inheritdoc cref="Max(Tensor, Tensor)"/>
    public static double Max(double a, double b) => Math.Max(a, b);

    /// <summary><c>clamp(x, lo, hi)</c> = max(min(x, hi), lo).</summary>
    public static Tensor Clamp(Tensor x, double lo, double hi) => x.clamp(lo, hi);

    /// <inheritdoc cref="Clamp(Tensor, double, double)"/>
    public static Tensor Clamp(Tensor x, Tensor lo, Tensor hi) => maximum(minimum(x, hi), lo);

    /// <inheritdoc cref="Clamp(Tensor, double, double)"/>
    public static Tensor Clamp(Tensor x, Tensor lo, double hi) => maximum(x.clamp_max(hi), lo);

    /// <inheritdoc cref="Clamp(Tensor, double, double)"/>
    public static Tensor Clamp(Tensor x, double lo, Tensor hi) => minimum(x, hi).clamp_min(lo);

    /// <inheritdoc cref="Clamp(Tensor, double, double)"/>
    public static Tensor Clamp(double x, Tensor lo, Tensor hi) => maximum(minimum(full_like(lo, x), hi), lo);

    /// <inheritdoc cref="Clamp(Tensor, double, double)"/>
    public static Tensor Clamp(double x, Tensor lo, double hi) => lo.clamp_min(Math.Min(x, hi));

    /// <inheritdoc cref="Clamp(Tensor, double, double)"/>
    public static Tensor Clamp(double x, double lo, Tensor hi) => hi.clamp_max(x).clamp_min(lo);

    /// <inheritdoc cref="Clamp(Tensor, double, double)"/>
    public static double Clamp(double x, double lo, double hi) => Math.Max(Math.Min(x, hi), lo);

    /// <summary>
    /// <c>log(1 - exp(x))</c> for <c>x &lt;= 0</c> (a log-probability), with the usual switch at <c>-ln 2</c> between
    /// <c>log(-expm1(x))</c> and <c>log1p(-exp(x))</c> so that neither loses precision.
    /// </summary>
    public static Tensor LogOneMinusExp(Tensor x) =>
        where(x.gt(-Math.Log(2)), (-x.expm1()).log(), (-x.exp()).log1p());

    /// <summary>
    /// Rounds to single precision and back (gradient passes through): reproduces references that compute a value in
    /// float32, such as a one-hot target cast to float.
    /// </summary>
    public static Tensor RoundToFloat32(Tensor x) => x.to_type(ScalarType.Float32).to_type(x.dtype);

    /// <inheritdoc cref="RoundToFloat32(Tensor)"/>
    public static double RoundToFloat32(double x) => (float)x;

    // Derivatives for the closed-form backward, each torch's backward rule for the forward operation above.

    /// <summary>d(x^e)/dx = e·x^(e-1), and 0 for e = 0 (torch's rule for pow with a scalar exponent).</summary>
    public static Tensor PowDerivative(Tensor x, double e) => e == 0 ? zeros_like(x) : e * x.pow(e - 1);

    /// <inheritdoc cref="PowDerivative(Tensor, double)"/>
    public static double PowDerivative(double x, double e) => e == 0 ? 0 : e * Math.Pow(x, e - 1);

    /// <summary>d max(x, other)/dx: 1 where x is larger, 0 where smaller, 1/2 at a tie (torch's maximum).</summary>
    public static Tensor MaxDerivative(Tensor x, Tensor other) => where(x.eq(other), 0.5, x.gt(other).to_type(x.dtype)).to_type(x.dtype);

    /// <summary>d max(x, bound)/dx against a scalar bound: 1 where x &gt;= bound (torch's clamp_min).</summary>
    public static Tensor MaxDerivative(Tensor x, double bound) => x.ge(bound).to_type(x.dtype);

    /// <summary>d min(x, other)/dx: 1 where x is smaller, 0 where larger, 1/2 at a tie (torch's minimum).</summary>
    public static Tensor MinDerivative(Tensor x, Tensor other) => where(x.eq(other), 0.5, x.lt(other).to_type(x.dtype)).to_type(x.dtype);

    /// <summary>d min(x, bound)/dx against a scalar bound: 1 where x &lt;= bound (torch's clamp_max).</summary>
    public static Tensor MinDerivative(Tensor x, double bound) => x.le(bound).to_type(x.dtype);

    /// <summary>d log(1 - exp(x))/dx = -exp(x) / (1 - exp(x)) on both branches of <see cref="LogOneMinusExp"/>.</summary>
    public static Tensor LogOneMinusExpDerivative(Tensor x) =>
        where(x.gt(-Math.Log(2)), x.exp() / x.expm1(), -x.exp() / (-x.exp()).add(1));

    /// <summary>exp(min(x, 0)): a softmax weight, exact where x &lt;= 0 and never overflowing where rounding pushes it above.</summary>
    public static Tensor ExpNonPositive(Tensor x) => x.clamp_max(0).exp();
}
