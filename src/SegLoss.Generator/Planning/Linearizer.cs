using System.Collections.Generic;
using System.Linq;
using SegLoss.Generator.Model;
using SegLoss.Generator.Parsing;

namespace SegLoss.Generator.Planning;

/// <summary>
/// Writes a pixel expression as <c>Σ coefficient_i · monomial_i</c>, where coefficients hold no pixel quantity
/// (numbers, parameters, <c>w</c>, <c>C</c>) and monomials are products of pixel atoms. Pixel sums are linear, so
/// <c>sumx(e) = Σ coefficient_i · sumx(monomial_i)</c>: <c>FP = sumx(p*(1-y))</c> becomes <c>P - TP</c>, and every
/// declaration shares the few distinct sums it needs.
/// </summary>
internal static class Linearizer
{
    /// <summary>Past this many monomials a product stays an opaque atom rather than being expanded.</summary>
    private const int MaxTerms = 32;

    public static IReadOnlyList<(Expr Coefficient, Monomial Monomial)> Linearize(Expr expr)
    {
        var terms = Expand(expr);
        return terms
            .Select(t => (Algebra.Simplify(t.Value.Coefficient), t.Value.Monomial))
            .Where(t => !Algebra.IsNumber(t.Item1, 0))
            .OrderBy(t => t.Monomial.Key, System.StringComparer.Ordinal)
            .ToList();
    }

    private static Dictionary<string, (Expr Coefficient, Monomial Monomial)> Expand(Expr expr)
    {
        if (Binder.LevelOf(expr).Level <= Level.Class)
        {
            return Single(expr, Monomial.Unit);
        }

        switch (expr)
        {
            case NegateExpr negate:
                return Scale(Expand(negate.Operand), Algebra.One, negate: true);

            case BinaryExpr { Operator: BinaryOperator.Add } add:
                return Merge(Expand(add.Left), Expand(add.Right), negateRight: false);

            case BinaryExpr { Operator: BinaryOperator.Subtract } subtract:
                return Merge(Expand(subtract.Left), Expand(subtract.Right), negateRight: true);

            case BinaryExpr { Operator: BinaryOperator.Multiply } multiply:
            {
                var left = Expand(multiply.Left);
                var right = Expand(multiply.Right);
                return left.Count * right.Count <= MaxTerms ? Product(left, right) : Single(Algebra.One, Monomial.Of(expr));
            }

            case BinaryExpr { Operator: BinaryOperator.Divide } divide when Binder.LevelOf(divide.Right).Level <= Level.Class:
                return Scale(Expand(divide.Left), divide.Right, negate: false, divide: true);

            case BinaryExpr { Operator: BinaryOperator.Power, Right: NumberExpr { Value: 2 or 3 or 4 } exponent } power
                when Expand(power.Left) is { Count: > 1 } @base:
            {
                var result = @base;
                for (var i = 1; i < (int)exponent.Value; i++)
                {
                    result = Product(result, @base);
                    if (result.Count > MaxTerms)
                    {
                        return Single(Algebra.One, Monomial.Of(expr));
                    }
                }

                return result;
            }

            case BinaryExpr { Operator: BinaryOperator.Power, Right: NumberExpr { Value: 2 or 3 or 4 } exponent } power
                when Expand(power.Left) is { Count: 1 } single && single.Values.First() is var only:
            {
                // (c * m)^k = c^k * m^k
                var monomial = only.Monomial;
                for (var i = 1; i < (int)exponent.Value; i++)
                {
                    monomial = monomial.Times(only.Monomial);
                }

                return Single(new BinaryExpr(BinaryOperator.Power, only.Coefficient, exponent), monomial);
            }

            case AggregateExpr { Aggregation: Aggregation.SumAllClasses } classSum:
                return ExpandClassSum(classSum);

            case QuantityExpr:
            default:
                return Single(Algebra.One, Monomial.Of(expr));
        }
    }

    /// <summary>
    /// A class sum is linear too: constant factors move out (<c>sumc(-k*y*logp) = -k * sumc(y*logp)</c>), while
    /// terms whose factor depends on the class (<c>w</c>) stay inside one class sum.
    /// </summary>
    private static Dictionary<string, (Expr Coefficient, Monomial Monomial)> ExpandClassSum(AggregateExpr classSum)
    {
        var result = new Dictionary<string, (Expr Coefficient, Monomial Monomial)>();
        Expr? perClass = null;
        foreach (var (coefficient, monomial) in Linearize(classSum.Operand))
        {
            if (Binder.LevelOf(coefficient).Level == Level.Constant)
            {
                var atom = Monomial.Of(new AggregateExpr(Aggregation.SumAllClasses, monomial.ToExpr(), null));
                result[atom.Key] = (coefficient, atom);
            }
            else
            {
                var term = Algebra.Multiply(coefficient, monomial.ToExpr());
                perClass = perClass is null ? term : Algebra.Add(perClass, term);
            }
        }

        if (perClass is not null)
        {
            var atom = Monomial.Of(new AggregateExpr(Aggregation.SumAllClasses, perClass, null));
            result[atom.Key] = (Algebra.One, atom);
        }

        return result;
    }

    private static Dictionary<string, (Expr, Monomial)> Single(Expr coefficient, Monomial monomial) =>
        new() { [monomial.Key] = (coefficient, monomial) };

    private static Dictionary<string, (Expr Coefficient, Monomial Monomial)> Scale(
        Dictionary<string, (Expr Coefficient, Monomial Monomial)> terms, Expr factor, bool negate, bool divide = false)
    {
        var result = new Dictionary<string, (Expr, Monomial)>();
        foreach (var pair in terms)
        {
            Expr coefficient = divide
                ? new BinaryExpr(BinaryOperator.Divide, pair.Value.Coefficient, factor)
                : new BinaryExpr(BinaryOperator.Multiply, factor, pair.Value.Coefficient);
            result[pair.Key] = (negate ? new NegateExpr(coefficient) : coefficient, pair.Value.Monomial);
        }

        return result;
    }

    private static Dictionary<string, (Expr Coefficient, Monomial Monomial)> Merge(
        Dictionary<string, (Expr Coefficient, Monomial Monomial)> left,
        Dictionary<string, (Expr Coefficient, Monomial Monomial)> right,
        bool negateRight)
    {
        var result = new Dictionary<string, (Expr Coefficient, Monomial Monomial)>(left);
        foreach (var pair in right)
        {
            var coefficient = negateRight ? new NegateExpr(pair.Value.Coefficient) : pair.Value.Coefficient;
            result[pair.Key] = result.TryGetValue(pair.Key, out var existing)
                ? (new BinaryExpr(BinaryOperator.Add, existing.Coefficient, coefficient), existing.Monomial)
                : (coefficient, pair.Value.Monomial);
        }

        return result;
    }

    private static Dictionary<string, (Expr Coefficient, Monomial Monomial)> Product(
        Dictionary<string, (Expr Coefficient, Monomial Monomial)> left,
        Dictionary<string, (Expr Coefficient, Monomial Monomial)> right)
    {
        var result = new Dictionary<string, (Expr Coefficient, Monomial Monomial)>();
        foreach (var a in left.Values)
        {
            foreach (var b in right.Values)
            {
                var monomial = a.Monomial.Times(b.Monomial);
                Expr coefficient = new BinaryExpr(BinaryOperator.Multiply, a.Coefficient, b.Coefficient);
                result[monomial.Key] = result.TryGetValue(monomial.Key, out var existing)
                    ? (new BinaryExpr(BinaryOperator.Add, existing.Coefficient, coefficient), monomial)
                    : (coefficient, monomial);
            }
        }

        return result;
    }
}
