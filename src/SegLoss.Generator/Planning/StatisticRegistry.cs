using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SegLoss.Generator.Model;
using SegLoss.Generator.Parsing;

namespace SegLoss.Generator.Planning;

/// <summary>
/// The distinct statistics of a declaration, shared by all its terms. Each monomial is planned once, with its
/// class-index and dense forms.
/// </summary>
internal sealed class StatisticRegistry
{
    /// <summary>Readable names for the statistics the shorthands stand for.</summary>
    private static readonly Dictionary<string, string> KnownNames = new()
    {
        ["1"] = "V",
        ["p"] = "P",
        ["y"] = "G",
        ["p * y"] = "TP",
        ["p^2"] = "P2",
        ["y^2"] = "G2",
    };

    private readonly Dictionary<string, StatisticPlan> _byKey = new();
    private readonly List<StatisticPlan> _all = new();

    private readonly LossOptions _options;

    public StatisticRegistry(LossOptions options)
    {
        _options = options;
        ValidCount = Sum(Monomial.Unit);
    }

    /// <summary>The number of valid pixels <c>V</c> (always planned: every term needs it).</summary>
    public StatisticExpr ValidCount { get; }

    public IReadOnlyList<StatisticPlan> All => _all;

    public StatisticExpr Sum(Monomial monomial)
    {
        if (!_byKey.TryGetValue("sum:" + monomial.Key, out var plan))
        {
            var values = monomial.ToExpr();
            var perClass = Binder.LevelOf(values).PerClass;
            var name = KnownNames.TryGetValue(monomial.Key, out var known) ? known : "S" + Count(StatisticKind.Sum);
            var index = ClassIndexForms.Expand(values);
            plan = perClass
                ? new StatisticPlan(name, StatisticKind.Sum, true, "Σx " + monomial.Key, index.EveryClass, index.TrueClass, null, values)
                : new StatisticPlan(name, StatisticKind.Sum, false, "Σx " + monomial.Key, null, null, index.Pixel, values);
            if (perClass && _options.Blob is { } blob)
            {
                plan = plan with
                {
                    BlobAtOne = ClassIndexForms.WithTarget(values, 1),
                    BlobMasked = ClassIndexForms.Masked(values, blob.MaskLogits, _options.Activation),
                    BlobWhole = BlobWhole(plan),
                };
            }

            Add("sum:" + monomial.Key, plan);
        }

        return new StatisticExpr(plan.Name, plan.PerClass);
    }

    /// <summary>
    /// The whole image's sum of a per-class statistic's pixel value with y = 0: the statistic itself when the value
    /// does not read y (its true-class part is empty), none when it is 0 without y (a factor y), else the sums of the
    /// value's own monomials (which do not read y, so the registration does not come back here).
    /// </summary>
    private Expr? BlobWhole(StatisticPlan plan)
    {
        if (plan.EveryClass is null)
        {
            return null;
        }

        if (plan.TrueClass is null)
        {
            return new StatisticExpr(plan.Name, true);
        }

        Expr whole = Algebra.Zero;
        foreach (var (coefficient, monomial) in Linearizer.Linearize(plan.EveryClass))
        {
            whole = Algebra.Add(whole, Algebra.Multiply(coefficient, Sum(monomial)));
        }

        return whole;
    }

    public StatisticExpr TopK(Expr values)
    {
        var key = "topk:" + values;
        if (!_byKey.TryGetValue(key, out var plan))
        {
            plan = new StatisticPlan(
                "K" + Count(StatisticKind.TopKValues),
                StatisticKind.TopKValues,
                false,
                "per-pixel values of topk: " + values,
                null,
                null,
                ClassIndexForms.Expand(values).Pixel,
                values);
            Add(key, plan);
        }

        return new StatisticExpr(plan.Name, false);
    }

    /// <summary>
    /// A full per-class map <c>[N, C, X]</c> a term reduces itself: the errors <c>lovasz(e)</c> sorts, the values
    /// <c>mean32(e)</c> accumulates (pooled in the term, like topk).
    /// </summary>
    public StatisticExpr Lovasz(Expr errors)
    {
        var key = "lovasz:" + errors;
        if (!_byKey.TryGetValue(key, out var plan))
        {
            plan = new StatisticPlan(
                "L" + Count(StatisticKind.LovaszErrors),
                StatisticKind.LovaszErrors,
                true,
                "per-class map: " + errors,
                null,
                null,
                ClassIndexForms.Full(errors),
                errors);
            Add(key, plan);
        }

        return new StatisticExpr(plan.Name, true);
    }

    private void Add(string key, StatisticPlan plan)
    {
        _byKey[key] = plan;
        _all.Add(plan);
    }

    private string Count(StatisticKind kind) =>
        (_all.Count(s => s.Kind == kind && !KnownNames.ContainsValue(s.Name)) + 1).ToString(CultureInfo.InvariantCulture);
}
