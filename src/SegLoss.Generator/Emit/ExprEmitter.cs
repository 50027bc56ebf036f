using System;
using System.Linq;
using SegLoss.Generator.Model;

namespace SegLoss.Generator.Emit;

/// <summary>Names of what an expression refers to, in one place of the generated code.</summary>
internal interface IEmitScope
{
    /// <summary>The local holding a quantity (<c>p</c>, <c>pt</c>, <c>wPixel</c>, <c>C</c>...).</summary>
    string Quantity(QuantityExpr quantity);

    /// <summary>The expression for a statistic (<c>s.TP</c>); only in term expressions.</summary>
    string Statistic(StatisticExpr statistic);

    /// <summary>The local holding the term's class indices, for statistic-level <c>sumc</c>/<c>meanc</c>.</summary>
    string ClassSet { get; }
}

/// <summary>
/// Writes a planned expression as C#: <c>double</c> arithmetic where every operand is a scalar, TorchSharp tensor
/// operators otherwise, with only the parentheses precedence needs.
/// </summary>
internal static class ExprEmitter
{
    private const int Additive = 1;
    private const int Multiplicative = 2;
    private const int Unary = 3;
    private const int Primary = 4;

    /// <summary>The precedence of a product's operand: <c>code.At(MultiplicativeOperand)</c> parenthesizes a sum.</summary>
    internal const int MultiplicativeOperand = Multiplicative;

    internal readonly record struct Code(string Text, bool IsTensor, int Precedence)
    {
        public string At(int precedence) => Precedence < precedence ? "(" + Text + ")" : Text;
    }

    public static string Emit(Expr expr, IEmitScope scope) => Write(expr, scope).Text;

    public static Code Write(Expr expr, IEmitScope scope)
    {
        switch (expr)
        {
            case NumberExpr number:
                return new Code(Literals.Double(number.Value), false, number.Value < 0 ? Unary : Primary);

            case ParamExpr parameter:
                return new Code("_" + parameter.Name, false, Primary);

            case QuantityExpr quantity:
                return new Code(scope.Quantity(quantity), quantity.Kind != Quantity.ClassCount, Primary);

            case StatisticExpr statistic:
                return new Code(scope.Statistic(statistic), true, Primary);

            case NegateExpr negate:
            {
                var operand = Write(negate.Operand, scope);
                return new Code("-" + operand.At(Unary + 1), operand.IsTensor, Unary);
            }

            case BinaryExpr binary:
                return WriteBinary(binary, scope);

            case FunctionExpr function:
                return WriteFunction(function, scope);

            case AggregateExpr aggregate:
                return WriteAggregate(aggregate, scope);

            case ComposeExpr compose:
            {
                var everyClass = compose.EveryClass is null ? "null" : Write(compose.EveryClass, scope).Text;
                var trueClass = compose.TrueClass is null ? "null" : Write(compose.TrueClass, scope).Text;
                return new Code($"batch.Compose({everyClass}, {trueClass})", true, Primary);
            }

            case LocalExpr local:
                return new Code(local.Name, true, Primary);

            case GradientExpr gradient:
                return new Code(LocalNames.Gradient(gradient.Statistic), true, Primary);

            case GatherExpr gather:
                return new Code($"batch.AtTrueClass({Write(gather.Full, scope).Text})", true, Primary);

            default:
                throw new InvalidOperationException(expr.GetType().Name);
        }
    }

    private static Code WriteBinary(BinaryExpr binary, IEmitScope scope)
    {
        var left = Write(binary.Left, scope);
        var right = Write(binary.Right, scope);
        var tensor = left.IsTensor || right.IsTensor;
        switch (binary.Operator)
        {
            case BinaryOperator.Add:
                return new Code(left.At(Additive) + " + " + right.At(Additive + 1), tensor, Additive);
            case BinaryOperator.Subtract:
                return new Code(left.At(Additive) + " - " + right.At(Additive + 1), tensor, Additive);
            case BinaryOperator.Multiply:
                return new Code(left.At(Multiplicative) + " * " + right.At(Multiplicative + 1), tensor, Multiplicative);
            case BinaryOperator.Divide:
                return new Code(left.At(Multiplicative) + " / " + right.At(Multiplicative + 1), tensor, Multiplicative);
            case BinaryOperator.Power:
                if (!tensor)
                {
                    return new Code($"{KnownSymbols.Math}.Pow({left.Text}, {right.Text})", false, Primary);
                }

                return left.IsTensor
                    ? new Code($"{left.At(Primary)}.pow({right.Text})", true, Primary)
                    : new Code($"{KnownSymbols.ExpressionOps}.Pow({left.Text}, {right.Text})", true, Primary);
            default:
                var name = binary.Operator switch
                {
                    BinaryOperator.Greater => "Greater",
                    BinaryOperator.Less => "Less",
                    BinaryOperator.GreaterOrEqual => "GreaterOrEqual",
                    _ => "LessOrEqual",
                };
                return new Code($"{KnownSymbols.ExpressionOps}.{name}({left.Text}, {right.Text})", tensor, Primary);
        }
    }

    private static Code WriteFunction(FunctionExpr function, IEmitScope scope)
    {
        var arguments = function.Arguments.Select(a => Write(a, scope)).ToList();
        var tensor = arguments.Any(a => a.IsTensor);
        if (function.Function is Function.Log or Function.Exp or Function.Sqrt or Function.Abs or Function.Cosh)
        {
            var name = FunctionFacts.Name(function.Function);
            return tensor
                ? new Code($"{arguments[0].At(Primary)}.{name}()", true, Primary)
                : new Code($"{KnownSymbols.Math}.{char.ToUpperInvariant(name[0]) + name.Substring(1)}({arguments[0].Text})", false, Primary);
        }

        if (function.Function == Function.Skeleton)
        {
            return new Code($"batch.SoftSkeleton({arguments[0].Text}, {arguments[1].Text})", true, Primary);
        }

        if (function.Function == Function.HausdorffErosion)
        {
            return new Code($"batch.HausdorffErosion({arguments[0].Text}, {arguments[1].Text}, {arguments[2].Text})", true, Primary);
        }

        if (function.Function == Function.Contour)
        {
            return new Code($"batch.Contour({arguments[0].Text})", true, Primary);
        }

        if (function.Function is Function.LocalMean or Function.LocalDeviation or Function.AboveMaximum)
        {
            var method = function.Function switch
            {
                Function.LocalMean => "LocalMean",
                Function.LocalDeviation => "LocalDeviation",
                _ => "AboveMaximum",
            };
            return new Code($"batch.{method}({arguments[0].Text}, {arguments[1].Text})", true, Primary);
        }

        if (function.Function is Function.Sign or Function.Sinh)
        {
            var name = FunctionFacts.Name(function.Function);
            return tensor
                ? new Code($"{arguments[0].At(Primary)}.{name}()", true, Primary)
                : new Code($"{KnownSymbols.Math}.{char.ToUpperInvariant(name[0]) + name.Substring(1)}({arguments[0].Text})", false, Primary);
        }

        var helper = function.Function switch
        {
            Function.Min => "Min",
            Function.Max => "Max",
            Function.Clamp => "Clamp",
            Function.PowDerivative => "PowDerivative",
            Function.MaxDerivative => "MaxDerivative",
            Function.MinDerivative => "MinDerivative",
            Function.LogOneMinusExpDerivative => "LogOneMinusExpDerivative",
            Function.ExpNonPositive => "ExpNonPositive",
            _ => "RoundToFloat32",
        };
        return new Code($"{KnownSymbols.ExpressionOps}.{helper}({string.Join(", ", arguments.Select(a => a.Text))})", tensor, Primary);
    }

    private static Code WriteAggregate(AggregateExpr aggregate, IEmitScope scope)
    {
        var operand = Write(aggregate.Operand, scope);
        switch (aggregate.Aggregation)
        {
            case Aggregation.SumAllClasses:
                // Pixel level: over all C channels (dim 1 of [N, C, X]); a scalar summed over C classes is C times it.
                return operand.IsTensor
                    ? new Code($"{operand.At(Primary)}.sum(1, keepdim: true)", true, Primary)
                    : new Code($"C * {operand.At(Multiplicative + 1)}", false, Multiplicative);
            case Aggregation.SumClasses:
                return new Code($"{KnownSymbols.LossTerms}.SumOverClasses({operand.Text}, {scope.ClassSet})", true, Primary);
            case Aggregation.MeanClasses:
                return new Code($"{KnownSymbols.LossTerms}.MeanOverClasses({operand.Text}, {scope.ClassSet})", true, Primary);
            case Aggregation.MaxClasses:
                return new Code($"{KnownSymbols.LossTerms}.MaxOverClasses({operand.Text}, {scope.ClassSet})", true, Primary);
            case Aggregation.MinClasses:
                return new Code($"{KnownSymbols.LossTerms}.MinOverClasses({operand.Text}, {scope.ClassSet})", true, Primary);
            case Aggregation.SinglePrecisionMean:
                return new Code($"batch.SinglePrecisionMean({operand.Text}, {scope.ClassSet}, _reduction)", true, Primary);
            case Aggregation.MeanBatch:
                return new Code($"{KnownSymbols.LossTerms}.MeanOverBatch({operand.Text}, _reduction)", true, Primary);
            case Aggregation.Lovasz:
                var bits = aggregate.Percent is null ? "64.0" : Write(aggregate.Percent, scope).Text;
                return new Code($"batch.LovaszExtension({operand.Text}, s.IsPooled, {bits})", true, Primary);
            case Aggregation.TopK:
                var percent = Write(aggregate.Percent!, scope);
                return new Code($"batch.TopKMean({operand.Text}, {percent.Text}, s.IsPooled)", true, Primary);
            default:
                throw new InvalidOperationException("pixel aggregations are planned into statistics: " + aggregate);
        }
    }
}
