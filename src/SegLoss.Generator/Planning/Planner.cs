using System.Collections.Generic;
using System.Linq;
using SegLoss.Generator.Helpers;
using SegLoss.Generator.Model;
using SegLoss.Generator.Parsing;

namespace SegLoss.Generator.Planning;

/// <summary>
/// Turns a declaration into a plan: applies the term sugar, rewrites <c>log(1 - p)</c> to a stable quantity,
/// linearizes every pixel sum onto shared monomial statistics and derives, for each statistic, how to compute it
/// from class indices without a one-hot tensor. A pure function of the model.
/// </summary>
internal static class Planner
{
    public static LossPlan Plan(LossDeclaration declaration)
    {
        var statistics = new StatisticRegistry(declaration.Options);
        var terms = new List<TermPlan>();
        foreach (var term in declaration.Terms)
        {
            var expression = Normalize(term.Expression);
            var planned = Algebra.Simplify(ReplacePixelAggregations(expression, statistics));
            terms.Add(new TermPlan(
                term.Name,
                term.Formula,
                term.WeightParameter,
                planned,
                Binder.LevelOf(planned).PerClass,
                term.IncludeBackground,
                term.BatchStatistics,
                term.ClassWeights));
        }

        var (backward, autogradReason) = BackwardPlanner.Plan(declaration.Options, statistics.All);
        return new LossPlan(
            declaration.Type,
            declaration.Options,
            declaration.Parameters,
            statistics.All.ToEquatableArray(),
            terms.ToEquatableArray(),
            backward,
            autogradReason);
    }

    /// <summary>
    /// The sugar (a pixel-level term is the mean over pixels of its class sum), the stable <c>log(1 - p)</c>, and
    /// pixel-level class sums marked as running over all channels.
    /// </summary>
    internal static Expr Normalize(Expr expression)
    {
        var info = Binder.LevelOf(expression);
        if (info.Level == Level.Pixel)
        {
            expression = new AggregateExpr(
                Aggregation.MeanPixels,
                info.PerClass ? new AggregateExpr(Aggregation.SumClasses, expression, null) : expression,
                null);
        }

        return RewriteForms(expression);
    }

    private static Expr RewriteForms(Expr expression) =>
        Algebra.Rewrite(expression, static node => node switch
        {
            FunctionExpr { Function: Function.Log } log when log.Arguments[0] is BinaryExpr
            {
                Operator: BinaryOperator.Subtract,
                Left: NumberExpr { Value: 1 },
                Right: QuantityExpr { Kind: Quantity.Probability or Quantity.TrueProbability } probability,
            } => probability with { Kind = probability.Kind == Quantity.Probability ? Quantity.LogComplement : Quantity.TrueLogComplement },
            AggregateExpr { Aggregation: Aggregation.SumClasses or Aggregation.MeanClasses } aggregate
                when Binder.LevelOf(aggregate.Operand).Level == Level.Pixel => AllClasses(aggregate),
            BinaryExpr { Operator: BinaryOperator.Power } power
                when !IsWholeNumber(power.Right) && LogOfProbability(power.Left) is { } log =>
                    new FunctionExpr(Function.Exp, new Expr[] { new BinaryExpr(BinaryOperator.Multiply, RewriteForms(power.Right), log) }.ToEquatableArray()),
            _ => null,
        });

    /// <summary>
    /// <c>log</c> of <c>p</c>, <c>pt</c>, <c>1 - p</c> or <c>1 - pt</c> as a quantity the activation computes stably:
    /// a power with a fractional or variable exponent (the focal <c>(1 - pt)^gamma</c>) becomes
    /// <c>exp(gamma * log(1 - pt))</c>, whose gradient stays finite where the probability saturates at 0 or 1.
    /// </summary>
    private static Expr? LogOfProbability(Expr expr) => expr switch
    {
        QuantityExpr { Kind: Quantity.Probability } q => q with { Kind = Quantity.LogProbability },
        QuantityExpr { Kind: Quantity.TrueProbability } q => q with { Kind = Quantity.TrueLogProbability },
        BinaryExpr { Operator: BinaryOperator.Subtract, Left: NumberExpr { Value: 1 }, Right: QuantityExpr { Kind: Quantity.Probability } q } =>
            q with { Kind = Quantity.LogComplement },
        BinaryExpr { Operator: BinaryOperator.Subtract, Left: NumberExpr { Value: 1 }, Right: QuantityExpr { Kind: Quantity.TrueProbability } q } =>
            q with { Kind = Quantity.TrueLogComplement },
        _ => null,
    };

    private static bool IsWholeNumber(Expr expr) => expr is NumberExpr { Value: >= 0 } n && n.Value == System.Math.Floor(n.Value);

    private static Expr AllClasses(AggregateExpr aggregate)
    {
        var sum = new AggregateExpr(Aggregation.SumAllClasses, RewriteForms(aggregate.Operand), null);
        return aggregate.Aggregation == Aggregation.SumClasses
            ? sum
            : new BinaryExpr(BinaryOperator.Divide, sum, new QuantityExpr(Quantity.ClassCount, Activation.Declared, ""));
    }

    private static Expr ReplacePixelAggregations(Expr expression, StatisticRegistry statistics) =>
        Algebra.Rewrite(expression, node =>
        {
            if (node is AggregateExpr { Aggregation: Aggregation.SinglePrecisionMean } mean)
            {
                return new AggregateExpr(Aggregation.SinglePrecisionMean, statistics.Lovasz(mean.Operand), null);
            }

            if (node is not AggregateExpr aggregate || !AggregationFacts.IsOverPixels(aggregate.Aggregation))
            {
                return null;
            }

            if (aggregate.Aggregation == Aggregation.TopK)
            {
                return new AggregateExpr(Aggregation.TopK, statistics.TopK(aggregate.Operand), aggregate.Percent);
            }

            if (aggregate.Aggregation == Aggregation.Lovasz)
            {
                return new AggregateExpr(Aggregation.Lovasz, statistics.Lovasz(aggregate.Operand), aggregate.Percent);
            }

            Expr sum = Algebra.Zero;
            foreach (var (coefficient, monomial) in Linearizer.Linearize(aggregate.Operand))
            {
                sum = Algebra.Add(sum, Algebra.Multiply(coefficient, statistics.Sum(monomial)));
            }

            return aggregate.Aggregation == Aggregation.SumPixels
                ? sum
                : Algebra.Divide(sum, new FunctionExpr(Function.Max, new Expr[] { statistics.ValidCount, Algebra.One }.ToEquatableArray()));
        });
}
