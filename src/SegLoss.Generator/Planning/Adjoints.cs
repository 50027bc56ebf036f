using System.Collections.Generic;
using System.Linq;
using SegLoss.Generator.Helpers;
using SegLoss.Generator.Model;
using SegLoss.Generator.Parsing;

namespace SegLoss.Generator.Planning;

/// <summary>
/// Reverse-mode differentiation of a pixel expression, symbolically: given the adjoint of the whole expression (the
/// gradient of the loss with respect to its value at each pixel), it accumulates the adjoint of each quantity the
/// prediction enters through (<c>p logp log1mp z</c> per class, <c>pt logpt log1mpt zt</c> at the true class). Each
/// rule is torch's backward rule for the operation the forward emits, so the closed form and autograd agree to
/// rounding. A per-pixel operand under a per-class parent receives the parent's adjoint summed over the classes.
/// </summary>
internal sealed class Adjoints
{
    private readonly Dictionary<QuantityExpr, Expr> _byLeaf = new();

    /// <summary>The adjoint of every leaf reached so far, in a stable order (by the leaf's text).</summary>
    public IReadOnlyList<(QuantityExpr Leaf, Expr Adjoint)> Leaves =>
        _byLeaf.OrderBy(pair => pair.Key.ToString(), System.StringComparer.Ordinal).Select(pair => (pair.Key, pair.Value)).ToList();

    /// <summary>Why some expression could not be differentiated in closed form, or null.</summary>
    public string? Unsupported { get; private set; }

    /// <summary>The quantities the prediction enters through.</summary>
    public static bool IsDifferentiable(Quantity kind) =>
        kind is Quantity.Probability or Quantity.LogProbability or Quantity.LogComplement or Quantity.Logit
            or Quantity.TrueProbability or Quantity.TrueLogProbability or Quantity.TrueLogComplement or Quantity.TrueLogit;

    /// <summary>Whether the value of <paramref name="expr"/> depends on the prediction.</summary>
    public static bool DependsOnPrediction(Expr expr) =>
        Algebra.Any(expr, node => node is QuantityExpr q && (IsDifferentiable(q.Kind) || q.Kind == Quantity.PredictionDistance) || node is LocalExpr);

    /// <summary>Adds the contributions of <paramref name="expr"/>, whose adjoint is <paramref name="adjoint"/>.</summary>
    public void Accumulate(Expr expr, Expr adjoint)
    {
        if (Unsupported is not null || !DependsOnPrediction(expr))
        {
            return;
        }

        if (!Binder.LevelOf(expr).PerClass && Binder.LevelOf(adjoint).PerClass)
        {
            adjoint = new AggregateExpr(Aggregation.SumAllClasses, adjoint, null);
        }

        switch (expr)
        {
            case QuantityExpr { Kind: Quantity.PredictionDistance }:
                Fail("pdist thresholds the prediction inside the statistics");
                return;

            case QuantityExpr quantity:
                _byLeaf[quantity] = _byLeaf.TryGetValue(quantity, out var total) ? Algebra.Add(total, adjoint) : adjoint;
                return;

            case NegateExpr negate:
                Accumulate(negate.Operand, Algebra.Simplify(new NegateExpr(adjoint)));
                return;

            case BinaryExpr binary:
                AccumulateBinary(binary, adjoint);
                return;

            case FunctionExpr function:
                AccumulateFunction(function, adjoint);
                return;

            case AggregateExpr { Aggregation: Aggregation.SumAllClasses } sum:
                // Σc e: every class's term gets the pixel's adjoint.
                Accumulate(sum.Operand, adjoint);
                return;

            case ComposeExpr compose:
                // The every-class part everywhere, the true-class part where it was added.
                if (compose.EveryClass is not null)
                {
                    Accumulate(compose.EveryClass, adjoint);
                }

                if (compose.TrueClass is not null)
                {
                    Accumulate(compose.TrueClass, new GatherExpr(adjoint));
                }

                return;

            default:
                Fail(Algebra.Any(expr, node => node is QuantityExpr { Kind: Quantity.PredictionDistance })
                    ? "pdist thresholds the prediction inside the statistics"
                    : Algebra.Any(expr, node => node is LocalExpr || node is FunctionExpr f && SpatialFunctions.IsSpatial(f.Function))
                        ? "a spatial operator (skel, herode, lmean, lstd, abovemax, contour) reads other pixels"
                        : $"'{expr}' has no closed-form derivative");
                return;
        }
    }

    private void AccumulateBinary(BinaryExpr binary, Expr adjoint)
    {
        var (a, b) = (binary.Left, binary.Right);
        switch (binary.Operator)
        {
            case BinaryOperator.Add:
                Accumulate(a, adjoint);
                Accumulate(b, adjoint);
                return;

            case BinaryOperator.Subtract:
                Accumulate(a, adjoint);
                Accumulate(b, Algebra.Simplify(new NegateExpr(adjoint)));
                return;

            case BinaryOperator.Multiply:
                Accumulate(a, Algebra.Multiply(adjoint, b));
                Accumulate(b, Algebra.Multiply(adjoint, a));
                return;

            case BinaryOperator.Divide:
                // torch: grad / other and -grad * self / (other * other).
                Accumulate(a, Algebra.Divide(adjoint, b));
                Accumulate(b, Algebra.Simplify(new NegateExpr(Algebra.Divide(Algebra.Multiply(adjoint, a), Algebra.Multiply(b, b)))));
                return;

            case BinaryOperator.Power:
                if (DependsOnPrediction(b))
                {
                    Fail("a power whose exponent depends on the prediction");
                    return;
                }

                Accumulate(a, Algebra.Multiply(adjoint, Call(Function.PowDerivative, a, b)));
                return;

            default:
                // Comparisons are 0 or 1: no gradient.
                return;
        }
    }

    private void AccumulateFunction(FunctionExpr function, Expr adjoint)
    {
        var x = function.Arguments[0];
        switch (function.Function)
        {
            case Function.Log:
                Accumulate(x, Algebra.Divide(adjoint, x));
                return;

            case Function.Exp:
                Accumulate(x, Algebra.Multiply(adjoint, function));
                return;

            case Function.Sqrt:
                Accumulate(x, Algebra.Divide(adjoint, Algebra.Multiply(new NumberExpr(2), function)));
                return;

            case Function.Abs:
                Accumulate(x, Algebra.Multiply(adjoint, Call(Function.Sign, x)));
                return;

            case Function.Cosh:
                Accumulate(x, Algebra.Multiply(adjoint, Call(Function.Sinh, x)));
                return;

            case Function.Float32:
                // The cast back and forth rounds the gradient to single precision too.
                Accumulate(x, Call(Function.Float32, adjoint));
                return;

            case Function.Max or Function.Min:
            {
                var derivative = function.Function == Function.Max ? Function.MaxDerivative : Function.MinDerivative;
                var y = function.Arguments[1];
                Accumulate(x, Algebra.Multiply(adjoint, Call(derivative, x, y)));
                Accumulate(y, Algebra.Multiply(adjoint, Call(derivative, y, x)));
                return;
            }

            case Function.Clamp:
            {
                // clamp(x, lo, hi) = max(min(x, hi), lo), as the forward computes it (x.clamp(lo, hi) has the same rule).
                var inner = new FunctionExpr(Function.Min, new[] { x, function.Arguments[2] }.ToEquatableArray());
                AccumulateFunction(new FunctionExpr(Function.Max, new[] { inner, function.Arguments[1] }.ToEquatableArray()), adjoint);
                return;
            }

            default:
                Fail($"{FunctionFacts.Name(function.Function)}(...) reads other pixels");
                return;
        }
    }

    private static Expr Call(Function function, params Expr[] arguments) =>
        Algebra.Simplify(new FunctionExpr(function, arguments.ToEquatableArray()));

    private void Fail(string reason) => Unsupported ??= reason;
}
