using System.Linq;
using SegLoss.Generator.Helpers;
using SegLoss.Generator.Model;
using SegLoss.Generator.Parsing;

namespace SegLoss.Generator.Planning;

/// <summary>
/// Rewrites a pixel expression for class-index targets, where y is one-hot and never materialized.
/// Since y is 0 or 1, <c>f(p, y) = f(p, 0) + y·[f(p, 1) - f(p, 0)]</c>: the first part is a dense tensor
/// over every class, the second lives only at each pixel's true class (where p becomes pt, w becomes wt).
/// Pixel-level class sums expand the same way: <c>Σc h(p, y) = Σc h(p, 0) + h(pt, 1) - h(pt, 0)</c>.
/// </summary>
internal static class ClassIndexForms
{
    /// <summary>The forms of <paramref name="values"/>: per class (<c>EveryClass</c> + <c>TrueClass</c>) or per pixel.</summary>
    public static (Expr? EveryClass, Expr? TrueClass, Expr? Pixel) Expand(Expr values)
    {
        var expanded = ExpandClassSums(MaterializeSpatial(values));
        if (!Binder.LevelOf(values).PerClass)
        {
            return (null, null, Algebra.Simplify(expanded));
        }

        var everyClass = Algebra.Simplify(SetTarget(expanded, 0));
        var trueClass = DependsOnTarget(expanded)
            ? Algebra.Simplify(new BinaryExpr(BinaryOperator.Subtract, AtTrueClass(SetTarget(expanded, 1)), AtTrueClass(SetTarget(expanded, 0))))
            : Algebra.Zero;
        return (Algebra.IsNumber(everyClass, 0) ? null : everyClass, Algebra.IsNumber(trueClass, 0) ? null : trueClass, null);
    }

    /// <summary>
    /// The full per-class tensor of a per-class pixel expression: its every-class part with its true-class part added at
    /// each pixel's class. Spatial operators and the Lovász sort need whole maps, so they read this form.
    /// </summary>
    public static Expr Full(Expr values)
    {
        var (everyClass, trueClass, _) = Expand(values);
        return trueClass is null && everyClass is not null && Binder.LevelOf(everyClass).PerClass
            ? everyClass
            : new ComposeExpr(everyClass, trueClass);
    }

    /// <summary>A per-class pixel expression with y set to a constant at every class (blob loss).</summary>
    public static Expr WithTarget(Expr values, double target) => Algebra.Simplify(SetTarget(values, target));

    /// <summary>
    /// The value of a per-class pixel expression at a voxel blob loss masks out: y = 0 and the probability that of a
    /// masked probability (0) or of a masked logit (0 through the activation: 1/2 for a sigmoid, 1/C for a softmax).
    /// </summary>
    public static Expr Masked(Expr values, bool maskLogits, Activation declared)
    {
        Expr Probability(Activation tag) => (maskLogits, tag == Activation.Declared ? declared : tag) switch
        {
            (true, Activation.Sigmoid) => new NumberExpr(0.5),
            (true, Activation.Softmax) => new BinaryExpr(BinaryOperator.Divide, Algebra.One, new QuantityExpr(Quantity.ClassCount, Activation.Declared, "")),
            _ => Algebra.Zero,
        };

        var masked = Algebra.Rewrite(SetTarget(values, 0), node => node switch
        {
            QuantityExpr { Kind: Quantity.Probability } q => Probability(q.Activation),
            QuantityExpr { Kind: Quantity.LogProbability } q => LogOf(Probability(q.Activation)),
            QuantityExpr { Kind: Quantity.LogComplement } q => new FunctionExpr(Function.Log, new Expr[] { new BinaryExpr(BinaryOperator.Subtract, Algebra.One, Probability(q.Activation)) }.ToEquatableArray()),
            _ => null,
        });
        return Algebra.Simplify(masked);

        // log 0 is -100 as torch's BCELoss clamps it (blob_loss scores masked probabilities with it): a term whose
        // coefficient of log p is 0 (no label smoothing) stays finite.
        static Expr LogOf(Expr probability) =>
            Algebra.IsNumber(probability, 0) ? new NumberExpr(-100) : new FunctionExpr(Function.Log, new[] { probability }.ToEquatableArray());
    }

    /// <summary>A spatial operator (<c>skel</c>) reads the full map of its operand, built once per operator.</summary>
    private static Expr MaterializeSpatial(Expr expr) =>
        Algebra.Rewrite(expr, static node => node is FunctionExpr spatial && SpatialFunctions.IsSpatial(spatial.Function)
            ? new FunctionExpr(spatial.Function, new[] { Full(spatial.Arguments[0]) }.Concat(spatial.Arguments.Skip(1)).ToEquatableArray())
            : null);

    private static bool IsOpaque(Expr node) =>
        node is AggregateExpr { Aggregation: Aggregation.SumAllClasses } or ComposeExpr or GatherExpr ||
        (node is FunctionExpr function && SpatialFunctions.IsSpatial(function.Function));

    /// <summary>
    /// Expands every pixel-level class sum, term by term of its linear form: terms without y stay a dense class sum,
    /// terms with y contribute only at the true class, so <c>Σc w·((1-ε)·y + ε/C)·logp</c> becomes
    /// <c>Σc w·ε/C·logp + wt·(1-ε)·logpt</c> with nothing to cancel.
    /// </summary>
    private static Expr ExpandClassSums(Expr expr) =>
        Algebra.Rewrite(expr, static node =>
        {
            if (node is not AggregateExpr { Aggregation: Aggregation.SumAllClasses } sum)
            {
                return null;
            }

            Expr dense = Algebra.Zero;
            Expr atTrue = Algebra.Zero;
            foreach (var (coefficient, monomial) in Linearizer.Linearize(ExpandClassSums(sum.Operand)))
            {
                var term = monomial.ToExpr();
                var withoutTarget = Algebra.Simplify(SetTarget(term, 0));
                dense = Algebra.Add(dense, Algebra.Multiply(coefficient, withoutTarget));
                if (DependsOnTarget(term))
                {
                    var difference = Algebra.Subtract(AtTrueClass(SetTarget(term, 1)), AtTrueClass(withoutTarget));
                    atTrue = Algebra.Add(atTrue, Algebra.Multiply(AtTrueClass(coefficient), difference));
                }
            }

            return Algebra.Add(
                Algebra.IsNumber(dense, 0) ? Algebra.Zero : new AggregateExpr(Aggregation.SumAllClasses, dense, null),
                atTrue);
        });

    /// <summary>Replaces the per-class target y (outside all-class sums) by a constant.</summary>
    private static Expr SetTarget(Expr expr, double value) =>
        Algebra.Rewrite(expr, node => node switch
        {
            QuantityExpr { Kind: Quantity.Target } => new NumberExpr(value),
            _ when IsOpaque(node) => node,
            _ => null,
        });

    private static bool DependsOnTarget(Expr expr) =>
        expr switch
        {
            QuantityExpr { Kind: Quantity.Target } => true,
            _ when IsOpaque(expr) => false,
            NegateExpr negate => DependsOnTarget(negate.Operand),
            BinaryExpr binary => DependsOnTarget(binary.Left) || DependsOnTarget(binary.Right),
            FunctionExpr function => System.Linq.Enumerable.Any(function.Arguments, DependsOnTarget),
            AggregateExpr aggregate => DependsOnTarget(aggregate.Operand),
            _ => false,
        };

    /// <summary>Evaluates per-class quantities at the true class (outside all-class sums).</summary>
    private static Expr AtTrueClass(Expr expr) =>
        Algebra.Rewrite(expr, static node => node switch
        {
            QuantityExpr { Kind: Quantity.Probability } q => q with { Kind = Quantity.TrueProbability },
            QuantityExpr { Kind: Quantity.LogProbability } q => q with { Kind = Quantity.TrueLogProbability },
            QuantityExpr { Kind: Quantity.LogComplement } q => q with { Kind = Quantity.TrueLogComplement },
            QuantityExpr { Kind: Quantity.ClassWeight } q => q with { Kind = Quantity.ClassWeightAtTrueClass },
            QuantityExpr { Kind: Quantity.Logit } q => q with { Kind = Quantity.TrueLogit },
            QuantityExpr q when QuantityFacts.IsDistanceMap(q.Kind) => new GatherExpr(q),
            FunctionExpr function when SpatialFunctions.IsSpatial(function.Function) => new GatherExpr(node),
            AggregateExpr { Aggregation: Aggregation.SumAllClasses } => node,
            _ => null,
        });
}
