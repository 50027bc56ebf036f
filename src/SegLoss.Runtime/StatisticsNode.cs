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
    /// backward is <paramref name="backward"/>; returns those statistics, attached to the graph.
    /// </summary>
    public static Tensor[] Apply(LossBatch batch, Tensor?[] constants, Func<Tensor[]> forward, Backward backward)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var closure = new Closure(batch, constants.Length, forward, backward);
        return StatisticsFunction.apply(batch.Input, closure, batch.SavedForBackward().Concat(constants).ToArray()).ToArray();
    }

    /// <summary>What the node needs besides tensors; the original batch only for its shapes.</summary>
    internal sealed record Closure(LossBatch Batch, int Constants, Func<Tensor[]> Forward, Backward Backward);
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
        var outputs = closure.Forward();
        ctx.save_for_backward(new List<Tensor> { input }.Concat(saved).ToList()!);
        ctx.save_data("closure", closure);
        return outputs.ToList();
    }

    public override List<Tensor> backward(autograd.AutogradContext ctx, List<Tensor> grad_outputs)
    {
        var closure = (StatisticsNode.Closure)ctx.get_data("closure");
        Tensor gradient;
        using (var scope = NewDisposeScope())
        {
            var saved = ctx.get_saved_variables();
            var batchTensors = saved.Skip(1).Take(saved.Count - 1 - closure.Constants).ToList();
            var constants = saved.Skip(saved.Count - closure.Constants).ToList();
            var batch = LossBatch.Restore(closure.Batch, saved[0], batchTensors);
            gradient = closure.Backward(batch, constants, grad_outputs).MoveToOuterDisposeScope();
        }

        return new List<Tensor> { gradient, null!, null! };
    }
}
