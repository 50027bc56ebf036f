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
        var expanded = ExpandClassSums(values);
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

    private static Expr ExpandClassSums(Expr expr) =>
        Algebra.Rewrite(expr, static node =>
        {
            if (node is not AggregateExpr { Aggregation: Aggregation.SumAllClasses } sum)
            {
                return null;
            }

            var inner = ExpandClassSums(sum.Operand);
            var atZero = Algebra.Simplify(SetTarget(inner, 0));
            Expr dense = Algebra.IsNumber(atZero, 0) ? Algebra.Zero : new AggregateExpr(Aggregation.SumAllClasses, atZero, null);
            var atTrue = DependsOnTarget(inner)
                ? Algebra.Subtract(AtTrueClass(SetTarget(inner, 1)), AtTrueClass(atZero))
                : Algebra.Zero;
            return Algebra.Add(dense, atTrue);
        });

    /// <summary>Replaces the per-class target y (outside all-class sums) by a constant.</summary>
    private static Expr SetTarget(Expr expr, double value) =>
        Algebra.Rewrite(expr, node => node switch
        {
            QuantityExpr { Kind: Quantity.Target } => new NumberExpr(value),
            AggregateExpr { Aggregation: Aggregation.SumAllClasses } => node,
            _ => null,
        });

    private static bool DependsOnTarget(Expr expr) =>
        expr switch
        {
            QuantityExpr { Kind: Quantity.Target } => true,
            AggregateExpr { Aggregation: Aggregation.SumAllClasses } => false,
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
            AggregateExpr { Aggregation: Aggregation.SumAllClasses } => node,
            _ => null,
        });
}
