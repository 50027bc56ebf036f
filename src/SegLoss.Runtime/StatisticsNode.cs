using System;
using System.Collections.Generic;
using System.Linq;
using static TorchSharp.torch;

namespace SegLoss.Runtime;

/// <summary>
/// A generated loss's statistics as one autograd node of the input with a closed-form backward. The forward runs
/// without autograd (no intermediate is kept); autograd keeps only the input, the target tensors and the constants
/// (distance maps), and the backward turns the statistics' gradients into the input's gradient in one go.
/// </summary>
public static class StatisticsNode
{
    /// <summary>The closed-form backward: dL/dinput from the restored batch, the constants and dL/dstatistic.</summary>
    public delegate Tensor Backward(LossBatch batch, IReadOnlyList<Tensor?> constants, IReadOnlyList<Tensor> gradients);

    /// <summary>
    /// Runs <paramref name="forward"/> (the statistics that depend on <see cref="LossBatch.Input"/>) as one node whose
    /// backward is <paramref name="backward"/>; returns those statistics, attached to the graph. With
    /// <paramref name="picks"/> (flat indices into the input), the node also returns the input's values there, shaped
    /// as <paramref name="picks"/>: what blob loss reads at its instances' pixels. Their gradient is added at those
    /// pixels into the gradient <paramref name="backward"/> returns, which must be a tensor of its own.
    /// </summary>
    public static Tensor[] Apply(LossBatch batch, Tensor?[] constants, Func<Tensor[]> forward, Backward backward, Tensor? picks = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(constants);
        if (picks is not null && picks.numel() == 0)
        {
            // Nothing to read: an empty tensor outside the node (TorchSharp would need a gradient for an unread output).
            return Apply(batch, constants, forward, backward).Append(zeros(picks.shape, batch.Input.dtype, batch.Input.device)).ToArray();
        }

        var closure = new Closure(batch, constants.Length, picks is not null, forward, backward);
        var saved = batch.SavedForBackward().Concat(constants);
        if (picks is not null)
        {
            saved = saved.Append(picks);
        }

        return StatisticsFunction.apply(batch.Input, closure, saved.ToArray()).ToArray();
    }

    /// <summary>What the node needs besides tensors; the original batch only for its shapes.</summary>
    internal sealed record Closure(LossBatch Batch, int Constants, bool HasPicks, Func<Tensor[]> Forward, Backward Backward);
}

/// <summary>The autograd function behind <see cref="StatisticsNode"/>: stateless, every call's state is in its context.</summary>
internal sealed class StatisticsFunction : autograd.MultiTensorFunction<StatisticsFunction>
{
    public override string Name => "SegLoss.Statistics";

    public override List<Tensor> forward(autograd.AutogradContext ctx, params object[] vars)
    {
        var input = (Tensor)vars[0];
        var closure = (StatisticsNode.Closure)vars[1];
        var saved = (Tensor?[])vars[2];
        var outputs = closure.Forward().ToList();
        if (closure.HasPicks)
        {
            var picks = saved[^1]!;
            outputs.Add(PickedValues.Gather(input, picks));
        }

        ctx.save_for_backward(new List<Tensor> { input }.Concat(saved).ToList()!);
        ctx.save_data("closure", closure);
        return outputs;
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grad_outputs)
    {
        var closure = (StatisticsNode.Closure)ctx.get_data("closure");
        Tensor gradient;
        using (var scope = NewDisposeScope())
        {
            var saved = ctx.get_saved_variables();
            var picks = closure.HasPicks ? saved[^1] : null;
            var constantsEnd = saved.Count - (closure.HasPicks ? 1 : 0);
            var batchTensors = saved.Skip(1).Take(constantsEnd - 1 - closure.Constants).ToList();
            var constants = saved.Skip(constantsEnd - closure.Constants).Take(closure.Constants).ToList();
            var batch = LossBatch.Restore(closure.Batch, saved[0], batchTensors);
            var statisticGradients = closure.HasPicks ? grad_outputs.Take(grad_outputs.Count - 1).ToList() : grad_outputs;
            gradient = closure.Backward(batch, constants, statisticGradients);
            if (picks is not null && grad_outputs[^1] is { } pickedGradient && !pickedGradient.IsInvalid)
            {
                // The picked values' gradient, added where they were read (a pixel is picked once per class).
                gradient = gradient.is_contiguous() ? gradient : gradient.contiguous();
                PickedValues.AddAt(gradient, picks, pickedGradient);
            }

            gradient = gradient.MoveToOuterDisposeScope();
        }

        return new List<Tensor> { gradient, null!, null! };
    }
}
