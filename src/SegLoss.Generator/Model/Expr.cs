using System.Globalization;
using System.Text;
using SegLoss.Generator.Helpers;

namespace SegLoss.Generator.Model;

/// <summary>
/// A bound expression of the SegLoss language: identifiers resolved, shorthands expanded, no source spans
/// (so equal text gives equal models). Records compare by value.
/// </summary>
internal abstract record Expr
{
    /// <summary>A canonical text form, used as a key for shared statistics and in generated comments.</summary>
    public abstract void Write(StringBuilder builder);

    public sealed override string ToString()
    {
        var builder = new StringBuilder();
        Write(builder);
        return builder.ToString();
    }
}

/// <summary>A numeric literal (or a folded constant).</summary>
internal sealed record NumberExpr(double Value) : Expr
{
    public override void Write(StringBuilder builder) => builder.Append(Value.ToString("R", CultureInfo.InvariantCulture));
}

/// <summary>A scalar parameter: a <c>[Param]</c> or a built-in term's parameter, by its constructor-argument name.</summary>
internal sealed record ParamExpr(string Name) : Expr
{
    public override void Write(StringBuilder builder) => builder.Append(Name);
}

/// <summary>A quantity of the language (<c>p</c>, <c>y</c>, <c>pt</c>, <c>w</c>, <c>C</c>, ...).</summary>
internal sealed record QuantityExpr(Quantity Kind, Activation Activation, string WeightSource) : Expr
{
    public override void Write(StringBuilder builder)
    {
        builder.Append(QuantityFacts.Name(Kind));
        if (QuantityFacts.DependsOnActivation(Kind) && Activation != Activation.Declared)
        {
            builder.Append('@').Append(Activation.ToString().ToLowerInvariant());
        }

        if ((Kind is Quantity.ClassWeight or Quantity.ClassWeightAtTrueClass) && WeightSource.Length > 0)
        {
            builder.Append('@').Append(WeightSource);
        }
    }
}

/// <summary>Unary minus.</summary>
internal sealed record NegateExpr(Expr Operand) : Expr
{
    public override void Write(StringBuilder builder)
    {
        builder.Append("-(");
        Operand.Write(builder);
        builder.Append(')');
    }
}

/// <summary>A binary operator.</summary>
internal sealed record BinaryExpr(BinaryOperator Operator, Expr Left, Expr Right) : Expr
{
    public override void Write(StringBuilder builder)
    {
        builder.Append('(');
        Left.Write(builder);
        builder.Append(' ').Append(BinaryOperatorFacts.Symbol(Operator)).Append(' ');
        Right.Write(builder);
        builder.Append(')');
    }
}

/// <summary>A call of an element-wise function.</summary>
internal sealed record FunctionExpr(Function Function, EquatableArray<Expr> Arguments) : Expr
{
    public override void Write(StringBuilder builder)
    {
        builder.Append(FunctionFacts.Name(Function)).Append('(');
        for (var i = 0; i < Arguments.Count; i++)
        {
            if (i > 0)
            {
                builder.Append(", ");
            }

            Arguments[i].Write(builder);
        }

        builder.Append(')');
    }
}

/// <summary>An aggregation over pixels (<c>sumx meanx topk</c>) or classes (<c>sumc meanc</c>).</summary>
internal sealed record AggregateExpr(Aggregation Aggregation, Expr Operand, Expr? Percent) : Expr
{
    public override void Write(StringBuilder builder)
    {
        builder.Append(AggregationFacts.Name(Aggregation)).Append('(');
        Operand.Write(builder);
        if (Percent is not null)
        {
            builder.Append(", ");
            Percent.Write(builder);
        }

        builder.Append(')');
    }
}

/// <summary>A reference to a planned statistic (only after planning): <c>[N, C]</c> when per class, else <c>[N, 1]</c>.</summary>
internal sealed record StatisticExpr(string Name, bool PerClass) : Expr
{
    public override void Write(StringBuilder builder) => builder.Append(Name);
}

/// <summary>
/// Planner-only, class-index targets: the full per-class tensor <c>[N, C, X]</c> of a pixel expression, from its part
/// at every class and its part at the true class (added there by a scatter; no one-hot tensor).
/// </summary>
internal sealed record ComposeExpr(Expr? EveryClass, Expr? TrueClass) : Expr
{
    public override void Write(StringBuilder builder)
    {
        builder.Append("compose(");
        if (EveryClass is null)
        {
            builder.Append('0');
        }
        else
        {
            EveryClass.Write(builder);
        }

        builder.Append(", ");
        if (TrueClass is null)
        {
            builder.Append('0');
        }
        else
        {
            TrueClass.Write(builder);
        }

        builder.Append(')');
    }
}

/// <summary>Planner-only: a full per-class tensor taken at each pixel's true class.</summary>
internal sealed record GatherExpr(Expr Full) : Expr
{
    public override void Write(StringBuilder builder)
    {
        builder.Append("attrue(");
        Full.Write(builder);
        builder.Append(')');
    }
}

/// <summary>Emitter-only: a local of the generated code holding a shared sub-expression (a soft skeleton).</summary>
internal sealed record LocalExpr(string Name) : Expr
{
    public override void Write(StringBuilder builder) => builder.Append(Name);
}

/// <summary>
/// Backward-only: the gradient of the loss with respect to a statistic, as the closed-form backward reads it —
/// <c>[N, C, 1]</c> or <c>[N, 1, 1]</c> for a pixel sum (broadcast over the pixels), the full map for a map statistic.
/// </summary>
internal sealed record GradientExpr(string Statistic, bool PerClass) : Expr
{
    public override void Write(StringBuilder builder) => builder.Append("grad(").Append(Statistic).Append(')');
}
