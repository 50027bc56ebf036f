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
                .Any(e => e is not null && Algebra.Any(e, n => n is AggregateExpr { Aggregation: Aggregation.SumAllClasses }))) ||
            plan.Statistics.Any(s => new[] { s.BlobAtOne, s.BlobMasked }
                .Any(e => e is not null && Algebra.Any(e, n => n is QuantityExpr { Kind: Quantity.ClassCount }))); // a masked logit's 1/C
    }

    /// <summary>The quantities some class-index and dense expressions read (the closed-form backward's).</summary>
    public QuantityUsage(IEnumerable<Expr> indexTarget, IEnumerable<Expr> denseTarget)
    {
        Collect(IndexTarget, indexTarget.ToArray());
        Collect(DenseTarget, denseTarget.ToArray());
        UsesClassCount = Everything.Any(q => q.Kind == Quantity.ClassCount) ||
            indexTarget.Concat(denseTarget).Any(e => Algebra.Any(e, n => n is AggregateExpr { Aggregation: Aggregation.SumAllClasses }));
    }

    /// <summary>Quantities read by the class-index forms.</summary>
    public HashSet<QuantityExpr> IndexTarget { get; } = new();

    /// <summary>Quantities read by the dense forms.</summary>
    public HashSet<QuantityExpr> DenseTarget { get; } = new();

    /// <summary>Quantities read by term expressions (class weights, <c>C</c>).</summary>
    public HashSet<QuantityExpr> Terms { get; } = new();

    public bool UsesClassCount { get; }

    /// <summary>The distance maps read anywhere, in enum order.</summary>
    public IReadOnlyList<Quantity> DistanceMaps =>
        Everything.Select(q => q.Kind).Where(QuantityFacts.IsDistanceMap).Distinct().OrderBy(k => k).ToList();

    /// <summary>Whether some distance map is the target's (so precomputed maps can stand for it).</summary>
    public bool UsesTargetDistances => DistanceMaps.Any(k => k != Quantity.PredictionDistance);

    public IEnumerable<QuantityExpr> Everything => IndexTarget.Concat(DenseTarget).Concat(Terms);

    /// <summary>
    /// The full tensors <c>[N, C, X]</c> each activation must provide (p, log p, log(1 - p)), from what the
    /// class-index and dense forms read. <paramref name="declared"/> resolves the declaration's own activation.
    /// </summary>
    public IEnumerable<(Activation Tag, bool Probability, bool LogProbability, bool LogComplement)> FullTensors(Activation declared)
    {
        var needs = new SortedDictionary<Activation, (bool P, bool LogP, bool Log1mP)>(DeclaredFirst.Instance);
        void Need(Activation tag, bool p = false, bool logp = false, bool log1mp = false)
        {
            needs.TryGetValue(tag, out var current);
            needs[tag] = (current.P || p, current.LogP || logp, current.Log1mP || log1mp);
        }

        if (Everything.Any(q => q.Kind == Quantity.PredictionDistance))
        {
            // pdist thresholds the declaration's probabilities.
            Need(Activation.Declared, p: true);
        }

        foreach (var (quantity, dense) in IndexTarget.Select(q => (q, false)).Concat(DenseTarget.Select(q => (q, true))))
        {
            if (!QuantityFacts.DependsOnActivation(quantity.Kind))
            {
                continue;
            }

            var tag = quantity.Activation;
            var kind = tag == Activation.Declared ? declared : tag;
            switch (quantity.Kind)
            {
                case Quantity.Probability or Quantity.TrueProbability:
                    Need(tag, p: true);
                    break;
                case Quantity.LogProbability or Quantity.TrueLogProbability:
                    Need(tag, logp: true);
                    break;
                case Quantity.LogComplement:
                    Need(tag, log1mp: true);
                    break;
                default: // log(1 - pt): from log p under a softmax, from the logits under a sigmoid, else from pt.
                    if (kind == Activation.Softmax)
                    {
                        Need(tag, logp: true);
                    }
                    else if (dense || kind == Activation.None)
                    {
                        Need(tag, p: true);
                    }

                    break;
            }
        }

        return needs.Select(n => (n.Key, n.Value.P, n.Value.LogP, n.Value.Log1mP));
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

    /// <summary>The declaration's own activation first, then term overrides in enum order.</summary>
    private sealed class DeclaredFirst : IComparer<Activation>
    {
        public static readonly DeclaredFirst Instance = new();

        public int Compare(Activation x, Activation y) => Rank(x).CompareTo(Rank(y));

        private static int Rank(Activation activation) => activation == Activation.Declared ? -1 : (int)activation;
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
