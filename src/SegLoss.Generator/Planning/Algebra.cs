using System;
using System.Collections.Generic;
using System.Linq;
using SegLoss.Generator.Helpers;
using SegLoss.Generator.Model;

namespace SegLoss.Generator.Planning;

/// <summary>Constant folding, algebraic identities and substitution on bound expressions.</summary>
internal static class Algebra
{
    public static readonly NumberExpr Zero = new(0);
    public static readonly NumberExpr One = new(1);

    public static bool IsNumber(Expr expr, double value) => expr is NumberExpr n && n.Value.Equals(value);

    public static Expr Add(Expr a, Expr b) => Simplify(new BinaryExpr(BinaryOperator.Add, a, b));

    public static Expr Subtract(Expr a, Expr b) => Simplify(new BinaryExpr(BinaryOperator.Subtract, a, b));

    public static Expr Multiply(Expr a, Expr b) => Simplify(new BinaryExpr(BinaryOperator.Multiply, a, b));

    public static Expr Divide(Expr a, Expr b) => Simplify(new BinaryExpr(BinaryOperator.Divide, a, b));

    /// <summary>Folds constants and applies <c>x+0, x*1, x*0, x^1, x-x, -(-x)</c> and the like, bottom-up.</summary>
    public static Expr Simplify(Expr expr)
    {
        switch (expr)
        {
            case NegateExpr negate:
            {
                var operand = Simplify(negate.Operand);
                return operand switch
                {
                    NumberExpr n => new NumberExpr(-n.Value),
                    NegateExpr inner => inner.Operand,
                    _ => new NegateExpr(operand),
                };
            }

            case BinaryExpr binary:
                return SimplifyBinary(binary.Operator, Simplify(binary.Left), Simplify(binary.Right));

            case FunctionExpr function:
            {
                var arguments = function.Arguments.Select(Simplify).ToList();
                if (arguments.All(a => a is NumberExpr))
                {
                    return new NumberExpr(Evaluate(function.Function, arguments.Select(a => ((NumberExpr)a).Value).ToArray()));
                }

                return new FunctionExpr(function.Function, arguments.ToEquatableArray());
            }

            case AggregateExpr aggregate:
                return aggregate with
                {
                    Operand = Simplify(aggregate.Operand),
                    Percent = aggregate.Percent is null ? null : Simplify(aggregate.Percent),
                };

            case ComposeExpr compose:
                return new ComposeExpr(compose.EveryClass is null ? null : Simplify(compose.EveryClass), compose.TrueClass is null ? null : Simplify(compose.TrueClass));

            case GatherExpr gather:
                return new GatherExpr(Simplify(gather.Full));

            default:
                return expr;
        }
    }

    private static Expr SimplifyBinary(BinaryOperator op, Expr left, Expr right)
    {
        // A product with an exact zero is zero even against an infinite factor: y·log p with y = 0 and p = 0 is 0.
        if (op == BinaryOperator.Multiply && (IsNumber(left, 0) || IsNumber(right, 0)))
        {
            return Zero;
        }

        if (left is NumberExpr a && right is NumberExpr b)
        {
            return new NumberExpr(Evaluate(op, a.Value, b.Value));
        }

        switch (op)
        {
            case BinaryOperator.Add:
                if (IsNumber(left, 0))
                {
                    return right;
                }

                if (IsNumber(right, 0))
                {
                    return left;
                }

                if (right is NegateExpr negatedRight)
                {
                    return SimplifyBinary(BinaryOperator.Subtract, left, negatedRight.Operand);
                }

                if (left is NegateExpr negatedFirst)
                {
                    return SimplifyBinary(BinaryOperator.Subtract, right, negatedFirst.Operand);
                }

                break;

            case BinaryOperator.Subtract:
                if (IsNumber(right, 0))
                {
                    return left;
                }

                if (IsNumber(left, 0))
                {
                    return Simplify(new NegateExpr(right));
                }

                if (left.Equals(right))
                {
                    return Zero;
                }

                if (right is NegateExpr negated)
                {
                    return SimplifyBinary(BinaryOperator.Add, left, negated.Operand);
                }

                break;

            case BinaryOperator.Multiply:
                if (IsNumber(left, 0) || IsNumber(right, 0))
                {
                    return Zero;
                }

                if (IsNumber(left, 1))
                {
                    return right;
                }

                if (IsNumber(right, 1))
                {
                    return left;
                }

                if (IsNumber(left, -1))
                {
                    return Simplify(new NegateExpr(right));
                }

                if (IsNumber(right, -1))
                {
                    return Simplify(new NegateExpr(left));
                }

                if (left is NegateExpr negatedLeft && right is NegateExpr negatedRight2)
                {
                    return SimplifyBinary(BinaryOperator.Multiply, negatedLeft.Operand, negatedRight2.Operand);
                }

                // Pull signs out of products so that sums read a - b rather than a + -b.
                if (left is NegateExpr negativeLeft)
                {
                    return new NegateExpr(SimplifyBinary(BinaryOperator.Multiply, negativeLeft.Operand, right));
                }

                if (right is NegateExpr negativeRight)
                {
                    return new NegateExpr(SimplifyBinary(BinaryOperator.Multiply, left, negativeRight.Operand));
                }

                break;

            case BinaryOperator.Divide:
                if (IsNumber(left, 0) && right is NumberExpr { Value: not 0 })
                {
                    return Zero;
                }

                if (IsNumber(right, 1))
                {
                    return left;
                }

                if (left is NegateExpr negativeNumerator)
                {
                    return new NegateExpr(SimplifyBinary(BinaryOperator.Divide, negativeNumerator.Operand, right));
                }

                break;

            case BinaryOperator.Power:
                if (IsNumber(right, 1))
                {
                    return left;
                }

                if (IsNumber(right, 0) || IsNumber(left, 1))
                {
                    return One;
                }

                if (IsNumber(left, 0) && right is NumberExpr { Value: > 0 })
                {
                    return Zero;
                }

                break;
        }

        return new BinaryExpr(op, left, right);
    }

    public static double Evaluate(BinaryOperator op, double a, double b) => op switch
    {
        BinaryOperator.Add => a + b,
        BinaryOperator.Subtract => a - b,
        BinaryOperator.Multiply => a * b,
        BinaryOperator.Divide => a / b,
        BinaryOperator.Power => Math.Pow(a, b),
        BinaryOperator.Greater => a > b ? 1 : 0,
        BinaryOperator.Less => a < b ? 1 : 0,
        BinaryOperator.GreaterOrEqual => a >= b ? 1 : 0,
        _ => a <= b ? 1 : 0,
    };

    public static double Evaluate(Function function, double[] x) => function switch
    {
        Function.Log => Math.Log(x[0]),
        Function.Exp => Math.Exp(x[0]),
        Function.Sqrt => Math.Sqrt(x[0]),
        Function.Abs => Math.Abs(x[0]),
        Function.Cosh => Math.Cosh(x[0]),
        Function.Min => Math.Min(x[0], x[1]),
        Function.Max => Math.Max(x[0], x[1]),
        Function.Clamp => Math.Max(Math.Min(x[0], x[2]), x[1]),
        Function.Sign => Math.Sign(x[0]),
        Function.Sinh => Math.Sinh(x[0]),
        Function.PowDerivative => x[1] == 0 ? 0 : x[1] * Math.Pow(x[0], x[1] - 1),
        Function.MaxDerivative => x[0] >= x[1] ? 1 : 0,
        Function.MinDerivative => x[0] <= x[1] ? 1 : 0,
        Function.LogOneMinusExpDerivative => -Math.Exp(x[0]) / (1 - Math.Exp(x[0])),
        Function.ExpNonPositive => Math.Exp(Math.Min(x[0], 0)),
        _ => (float)x[0],
    };

    /// <summary>Rebuilds <paramref name="expr"/> bottom-up, replacing nodes for which <paramref name="replace"/> answers.</summary>
    public static Expr Rewrite(Expr expr, Func<Expr, Expr?> replace)
    {
        if (replace(expr) is { } replaced)
        {
            return replaced;
        }

        return expr switch
        {
            NegateExpr negate => new NegateExpr(Rewrite(negate.Operand, replace)),
            BinaryExpr binary => new BinaryExpr(binary.Operator, Rewrite(binary.Left, replace), Rewrite(binary.Right, replace)),
            FunctionExpr function => new FunctionExpr(function.Function, function.Arguments.Select(a => Rewrite(a, replace)).ToEquatableArray()),
            AggregateExpr aggregate => new AggregateExpr(
                aggregate.Aggregation,
                Rewrite(aggregate.Operand, replace),
                aggregate.Percent is null ? null : Rewrite(aggregate.Percent, replace)),
            ComposeExpr compose => new ComposeExpr(
                compose.EveryClass is null ? null : Rewrite(compose.EveryClass, replace),
                compose.TrueClass is null ? null : Rewrite(compose.TrueClass, replace)),
            GatherExpr gather => new GatherExpr(Rewrite(gather.Full, replace)),
            _ => expr,
        };
    }

    /// <summary>Whether any node of <paramref name="expr"/> satisfies <paramref name="predicate"/>.</summary>
    public static bool Any(Expr expr, Func<Expr, bool> predicate)
    {
        if (predicate(expr))
        {
            return true;
        }

        return expr switch
        {
            NegateExpr negate => Any(negate.Operand, predicate),
            BinaryExpr binary => Any(binary.Left, predicate) || Any(binary.Right, predicate),
            FunctionExpr function => function.Arguments.Any(a => Any(a, predicate)),
            AggregateExpr aggregate => Any(aggregate.Operand, predicate) || (aggregate.Percent is not null && Any(aggregate.Percent, predicate)),
            ComposeExpr compose => (compose.EveryClass is not null && Any(compose.EveryClass, predicate)) || (compose.TrueClass is not null && Any(compose.TrueClass, predicate)),
            GatherExpr gather => Any(gather.Full, predicate),
            _ => false,
        };
    }

    /// <summary>All nodes of <paramref name="expr"/>, parents before children.</summary>
    public static IEnumerable<Expr> Nodes(Expr expr)
    {
        yield return expr;
        IEnumerable<Expr> children = expr switch
        {
            NegateExpr negate => new[] { negate.Operand },
            BinaryExpr binary => new[] { binary.Left, binary.Right },
            FunctionExpr function => function.Arguments,
            AggregateExpr aggregate => aggregate.Percent is null ? new[] { aggregate.Operand } : new[] { aggregate.Operand, aggregate.Percent },
            ComposeExpr compose => new[] { compose.EveryClass, compose.TrueClass }.Where(e => e is not null).Select(e => e!).ToArray(),
            GatherExpr gather => new[] { gather.Full },
            _ => Array.Empty<Expr>(),
        };
        foreach (var child in children)
        {
            foreach (var node in Nodes(child))
            {
                yield return node;
            }
        }
    }
}
