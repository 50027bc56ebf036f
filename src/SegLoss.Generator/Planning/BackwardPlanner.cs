using System.Collections.Generic;
using System.Linq;
using SegLoss.Generator.Helpers;
using SegLoss.Generator.Model;

namespace SegLoss.Generator.Planning;

/// <summary>
/// Derives the closed-form backward of the statistics, or the reason the declaration keeps autograd. The loss is a
/// function of its statistics, and each statistic a pixel sum (or a map) of a pixel expression; so the loss's gradient
/// with respect to the quantities is, pixel by pixel, the sum over statistics of dL/dstatistic times the expression's
/// derivative — computed here symbolically, per target format, from the same forms the forward evaluates.
/// </summary>
internal static class BackwardPlanner
{
    public static (BackwardPlan? Plan, string? AutogradReason) Plan(LossOptions options, IReadOnlyList<StatisticPlan> statistics)
    {
        if (options.ForceAutograd)
        {
            return (null, "the declaration asks for it (Backward = BackwardMode.Autograd)");
        }

        var differentiable = statistics.Where(s => new[] { s.EveryClass, s.TrueClass, s.Pixel, s.Dense }
            .Any(form => form is not null && Adjoints.DependsOnPrediction(form))).ToList();
        if (differentiable.Count == 0)
        {
            return (null, "no statistic depends on the prediction");
        }

        var index = new Adjoints();
        var dense = new Adjoints();
        foreach (var statistic in differentiable)
        {
            var gradient = new GradientExpr(statistic.Name, statistic.PerClass);
            dense.Accumulate(statistic.Dense, gradient);
            if (statistic.Kind == StatisticKind.Sum && statistic.PerClass)
            {
                // Σx f(p, 0) over every class, plus Σ at the true class of f(pt, 1) - f(pt, 0).
                if (statistic.EveryClass is { } everyClass)
                {
                    index.Accumulate(everyClass, gradient);
                }

                if (statistic.TrueClass is { } trueClass)
                {
                    index.Accumulate(trueClass, new GatherExpr(gradient));
                }
            }
            else
            {
                index.Accumulate(statistic.Pixel!, gradient);
            }
        }

        var reason = index.Unsupported ?? dense.Unsupported;
        if (reason is not null)
        {
            return (null, reason);
        }

        return (new BackwardPlan(
            differentiable.Select(s => s.Name).ToEquatableArray(),
            index.Leaves.Select(l => new LeafAdjoint(l.Leaf, l.Adjoint)).ToEquatableArray(),
            dense.Leaves.Select(l => new LeafAdjoint(l.Leaf, l.Adjoint)).ToEquatableArray()), null);
    }
}
