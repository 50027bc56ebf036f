using System;
using static TorchSharp.torch;

namespace SegLoss.Runtime;

/// <summary>
/// The last steps of a closed-form backward (through the activation) with one fresh full-size tensor each, computed in
/// place: <c>p</c> (the activation's output) and a dense target are <c>[N, C, X]</c>, so a product with either has the
/// full shape and is new.
/// </summary>
public static class ActivationChain
{
    /// <summary>
    /// <c>x·full + y</c> (the softmax's <c>d = dp·p + dlogp</c>, a dense target's <c>dp = g·y + h</c>), where
    /// <paramref name="full"/> has the full shape; <paramref name="y"/> may be null (0).
    /// </summary>
    public static Tensor ProductPlus(Tensor full, Tensor x, Tensor? y)
    {
        ArgumentNullException.ThrowIfNull(full);
        var result = full.mul(x);
        return y is null ? result : result.add_(y);
    }

    /// <summary><c>d - p·s</c> (the softmax's <c>dz = d - p·Σc d</c>).</summary>
    public static Tensor MinusProduct(Tensor d, Tensor p, Tensor s)
    {
        ArgumentNullException.ThrowIfNull(p);
        return p.mul(s).neg_().add_(d);
    }

    /// <summary><c>x·p·(1 - p)</c> (the sigmoid's <c>dz</c> from <c>dp</c>).</summary>
    public static Tensor SigmoidSlope(Tensor x, Tensor p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return p.neg().add_(1).mul_(p).mul_(x);
    }
}
