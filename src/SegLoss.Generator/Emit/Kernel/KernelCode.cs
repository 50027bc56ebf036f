using System.Collections.Generic;
using System.Linq;
using SegLoss.Generator.Model;
using SegLoss.Generator.Parsing;

namespace SegLoss.Generator.Emit.Kernel;

/// <summary>What both kernel programs (<see cref="SpanProgram"/>, <see cref="VectorProgram"/>) write alike: scalar code and the per-pixel parts they hoist.</summary>
internal static class KernelCode
{
    /// <summary>
    /// The largest sub-expressions of <paramref name="expr"/> that vary per pixel but not per class (outside any class
    /// sum), leaving out those <paramref name="bound"/> already has.
    /// </summary>
    public static IEnumerable<Expr> MaximalPixelParts(Expr expr, IReadOnlyDictionary<Expr, string> bound)
    {
        if (bound.ContainsKey(expr))
        {
            yield break;
        }

        var level = Binder.LevelOf(expr);
        if (!level.PerClass && level.Level == Level.Pixel && !(expr is QuantityExpr))
        {
            yield return expr;
            yield break;
        }

        var children = expr switch
        {
            NegateExpr n => new[] { n.Operand },
            BinaryExpr b => new[] { b.Left, b.Right },
            FunctionExpr f => f.Arguments.ToArray(),
            ComposeExpr compose => new[] { compose.EveryClass, compose.TrueClass }.Where(e => e is not null).Select(e => e!).ToArray(),
            _ => System.Array.Empty<Expr>(),
        };
        foreach (var child in children)
        {
            foreach (var part in MaximalPixelParts(child, bound))
            {
                yield return part;
            }
        }
    }

    /// <summary>A binary operation of two scalar (<c>double</c>) C# expressions.</summary>
    public static string ScalarBinary(BinaryOperator op, string left, string right) => op switch
    {
        BinaryOperator.Add => $"{left} + {Parenthesized(right)}",
        BinaryOperator.Subtract => $"{left} - {Parenthesized(right)}",
        BinaryOperator.Multiply => $"{Parenthesized(left)} * {Parenthesized(right)}",
        BinaryOperator.Divide => $"{Parenthesized(left)} / {Parenthesized(right)}",
        BinaryOperator.Power => $"{KnownSymbols.Math}.Pow({left}, {right})",
        _ => $"{KnownSymbols.ExpressionOps}.{ComparisonName(op)}({left}, {right})",
    };

    /// <summary>The runtime's name of a comparison (ChunkMath, PixelMath, ExpressionOps).</summary>
    public static string ComparisonName(BinaryOperator op) => op switch
    {
        BinaryOperator.Greater => "Greater",
        BinaryOperator.Less => "Less",
        BinaryOperator.GreaterOrEqual => "GreaterOrEqual",
        _ => "LessOrEqual",
    };

    /// <summary><paramref name="code"/>, in parentheses unless it is a name, member access or index.</summary>
    public static string Parenthesized(string code) =>
        code.All(ch => char.IsLetterOrDigit(ch) || ch is '_' or '.' or '[' or ']') ? code : "(" + code + ")";
}
