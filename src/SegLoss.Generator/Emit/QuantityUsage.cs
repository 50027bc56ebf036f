using System.Collections.Generic;
using System.Linq;
using SegLoss.Generator.Model;
using SegLoss.Generator.Planning;

namespace SegLoss.Generator.Emit;

/// <summary>Which tensors the generated code must compute: only what some statistic or term reads.</summary>
internal sealed class QuantityUsage
{
    public QuantityUsage(LossPlan plan)
    {
        foreach (var statistic in plan.Statistics)
        {
            Collect(IndexTarget, statistic.EveryClass, statistic.TrueClass, statistic.Pixel);
            Collect(DenseTarget, statistic.Dense);
        }

        Collect(Terms, plan.Terms.Select(t => t.Expression).ToArray());
        UsesClassCount = Everything.Any(q => q.Kind == Quantity.ClassCount) ||
            plan.Statistics.Any(s => new[] { s.EveryClass, s.TrueClass, s.Pixel, s.Dense }
                .Any(e => e is not null && Algebra.Any(e, n => n is AggregateExpr { Aggregation: Aggregation.SumAllClasses })));
    }

    /// <summary>Quantities read by the class-index forms.</summary>
    public HashSet<QuantityExpr> IndexTarget { get; } = new();

    /// <summary>Quantities read by the dense forms.</summary>
    public HashSet<QuantityExpr> DenseTarget { get; } = new();

    /// <summary>Quantities read by term expressions (class weights, <c>C</c>).</summary>
    public HashSet<QuantityExpr> Terms { get; } = new();

    public bool UsesClassCount { get; }

    public IEnumerable<QuantityExpr> Everything => IndexTarget.Concat(DenseTarget).Concat(Terms);

    /// <summary>Activations whose full tensors <c>[N, C, X]</c> are needed, with the kinds needed of each.</summary>
    public IEnumerable<(Activation Activation, bool Probability, bool LogProbability, bool LogComplement)> FullTensors()
    {
        var needs = new Dictionary<Activation, (bool P, bool LogP, bool Log1mP)>();
        void Need(Activation activation, Quantity kind)
        {
            needs.TryGetValue(activation, out var current);
            needs[activation] = kind switch
            {
                Quantity.Probability or Quantity.TrueProbability => (true, current.LogP, current.Log1mP),
                Quantity.LogProbability or Quantity.TrueLogProbability => (current.P, true, current.Log1mP),
                _ => (current.P, current.LogP, true),
            };
        }

        foreach (var quantity in IndexTarget.Where(q => QuantityFacts.DependsOnActivation(q.Kind)))
        {
            Need(quantity.Activation, quantity.Kind);
        }

        foreach (var quantity in DenseTarget.Where(q => QuantityFacts.DependsOnActivation(q.Kind)))
        {
            // Dense log(1 - pt) is log1p(-pt): it needs pt, hence p.
            Need(quantity.Activation, quantity.Kind == Quantity.TrueLogComplement ? Quantity.Probability : quantity.Kind);
        }

        return needs.OrderBy(n => n.Key).Select(n => (n.Key, n.Value.P, n.Value.LogP, n.Value.Log1mP));
    }

    /// <summary>Class-weight sources read anywhere, with whether the pixel view <c>[1, C, 1]</c> is needed.</summary>
    public IEnumerable<(string Source, bool Pixel)> WeightSources()
    {
        var sources = new SortedDictionary<string, bool>(System.StringComparer.Ordinal);
        foreach (var quantity in Everything.Where(q => q.Kind is Quantity.ClassWeight or Quantity.ClassWeightAtTrueClass))
        {
            var pixel = (quantity.Kind == Quantity.ClassWeight && (IndexTarget.Contains(quantity) || DenseTarget.Contains(quantity))) ||
                (quantity.Kind == Quantity.ClassWeightAtTrueClass && DenseTarget.Contains(quantity));
            sources.TryGetValue(quantity.WeightSource, out var existing);
            sources[quantity.WeightSource] = existing || pixel;
        }

        return sources.Select(s => (s.Key, s.Value));
    }

    private static void Collect(HashSet<QuantityExpr> into, params Expr?[] expressions)
    {
        foreach (var expression in expressions)
        {
            if (expression is null)
            {
                continue;
            }

            foreach (var node in Algebra.Nodes(expression))
            {
                if (node is QuantityExpr quantity)
                {
                    into.Add(quantity);
                }
            }
        }
    }
}
