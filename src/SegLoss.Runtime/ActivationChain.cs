using System;
using static TorchSharp.torch;

namespace SegLoss.Runtime;

/// <summary>
/// The last steps of a closed-form backward (through the activation) with at most one fresh full-size tensor each,
/// computed in place: <c>p</c> (the activation's output) and a dense target are <c>[N, C, X]</c>, so a product with
/// either has the full shape and is new. The <c>Into</c> forms write into an adjoint that is dead after the step.
/// </summary>
public static class ActivationChain
{
    /// <summary>
    /// <c>x·full + y</c> (the softmax's <c>d = dp·p + dlogp</c>, a dense target's <c>dp = g·y + h</c>), where
    /// <paramref name="full"/> has the full shape; <paramref name="y"/> may be null (0) or of a smaller shape that
    /// broadcasts. One operation, one new full-size tensor.
    /// </summary>
    public static Tensor ProductPlus(Tensor full, Tensor x, Tensor? y)
    {
        ArgumentNullException.ThrowIfNull(full);
        return y is null ? full.mul(x) : y.addcmul(full, x, 1);
    }

    /// <summary>
    /// <see cref="ProductPlus"/> written into <paramref name="y"/> when it is a full-size tensor the caller no longer
    /// needs (no new tensor); otherwise a new one.
    /// </summary>
    public static Tensor ProductPlusInto(Tensor full, Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(full);
        ArgumentNullException.ThrowIfNull(y);
        return CanWriteInto(y, full) ? y.addcmul_(full, x, 1) : ProductPlus(full, x, y);
    }

    /// <summary>
    /// <see cref="MinusProduct"/> written into <paramref name="d"/> when it is a full-size tensor the caller no longer
    /// needs (no new tensor); otherwise a new one.
    /// </summary>
    public static Tensor MinusProductInto(Tensor d, Tensor p, Tensor s)
    {
        ArgumentNullException.ThrowIfNull(d);
        ArgumentNullException.ThrowIfNull(p);
        return CanWriteInto(d, p) ? d.addcmul_(p, s, -1) : MinusProduct(d, p, s);
    }

    /// <summary><c>d - p·s</c> (the softmax's <c>dz = d - p·Σc d</c>).</summary>
    public static Tensor MinusProduct(Tensor d, Tensor p, Tensor s)
    {
        ArgumentNullException.ThrowIfNull(p);
        return p.mul(s).neg_().add_(d);
    }

    /// <summary>Whether <paramref name="target"/> can take the result in place: the full shape and type, no autograd.</summary>
    private static bool CanWriteInto(Tensor target, Tensor full) =>
        target.dtype == full.dtype && target.device == full.device && !target.requires_grad && target.is_contiguous()
        && target.shape.AsSpan().SequenceEqual(full.shape);

    /// <summary><c>x·p·(1 - p)</c> (the sigmoid's <c>dz</c> from <c>dp</c>).</summary>
    public static Tensor SigmoidSlope(Tensor x, Tensor p)
    {
        ArgumentNullException.ThrowIfNull(p);
        return p.neg().add_(1).mul_(p).mul_(x);
    }
}
