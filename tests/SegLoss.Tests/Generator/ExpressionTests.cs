using System.Collections.Generic;
using System.Linq;
using SegLoss.Generator.Helpers;
using SegLoss.Generator.Model;
using SegLoss.Generator.Parsing;
using SegLoss.Generator.Planning;

namespace SegLoss.Tests.Generator;

/// <summary>The expression language: parsing, binding, and the planner's algebra.</summary>
public sealed class ExpressionTests
{
    private static readonly BindingScope Scope = new(SegLoss.Generator.Model.Activation.Declared, "", new Dictionary<string, string> { ["s"] = "s", ["gamma"] = "gamma" });

    private static Expr Bind(string text)
    {
        var bound = Binder.BindTerm(ExpressionParser.Parse(text), Scope, "term", out var errors);
        Assert.Empty(errors);
        return bound!;
    }

    [Theory]
    [InlineData("1 - 2 * 3 ^ 2", "(1 - (2 * (3 ^ 2)))")]
    [InlineData("-x^2", "-((x ^ 2))")]
    [InlineData("2^-1", "(2 ^ -(1))")]
    [InlineData("a / b / c", "((a / b) / c)")]
    [InlineData("a - b - c", "((a - b) - c)")]
    [InlineData("a < b + 1", "(a < (b + 1))")]
    [InlineData("1e-5 + .5", "(1E-05 + 0.5)")]
    public void Parser_follows_precedence_and_associativity(string text, string expected)
    {
        Assert.Equal(expected, Print(ExpressionParser.Parse(text)));
    }

    [Theory]
    [InlineData("1 +", 3)]
    [InlineData("(TP", 3)]
    [InlineData("TP $ 2", 3)]
    [InlineData("max(P,", 6)]
    [InlineData("", 0)]
    [InlineData("1.2.3", 0)]
    public void Parser_reports_the_offset_of_a_syntax_error(string text, int position)
    {
        var error = Assert.Throws<ExpressionSyntaxException>(() => ExpressionParser.Parse(text));
        Assert.Equal(position, error.Position);
    }

    [Fact]
    public void Shorthands_expand_to_pixel_sums()
    {
        Assert.Equal("sumx((p * (1 - y)))", Bind("FP").ToString());
        Assert.Equal("sumx(1)", Bind("V").ToString());
    }

    [Fact]
    public void Counts_are_rewritten_onto_shared_sums()
    {
        var plan = Planner.Plan(Declaration("2*TP + FP + FN", "TN"));
        Assert.Equal(new[] { "V", "TP", "P", "G" }, plan.Statistics.Select(s => s.Name));
        Assert.Equal("(((2 * TP) + (P - TP)) + (G - TP))", plan.Terms[0].Expression.ToString());
        Assert.Equal("(((V - P) + TP) - G)", plan.Terms[1].Expression.ToString());
    }

    [Fact]
    public void Class_index_forms_gather_at_the_true_class()
    {
        var plan = Planner.Plan(Declaration("sumx((p - y)^2)"));
        var byName = plan.Statistics.ToDictionary(s => s.Name);
        Assert.Equal("pt", byName["TP"].TrueClass!.ToString());
        Assert.Null(byName["TP"].EveryClass);
        Assert.Equal("(p ^ 2)", byName["P2"].EveryClass!.ToString());
        Assert.Null(byName["G2"].EveryClass);
        Assert.Equal("1", byName["G2"].TrueClass!.ToString());
    }

    [Fact]
    public void Fractional_powers_of_probabilities_become_exponentials_of_stable_logs()
    {
        var plan = Planner.Plan(Declaration("meanx(-(1 - pt)^gamma * logpt)"));
        var statistic = plan.Statistics.Single(s => s.Name != "V");
        Assert.Equal("(exp((gamma * log1mpt)) * logpt)", statistic.Pixel!.ToString());
    }

    [Fact]
    public void A_pixel_term_is_the_mean_over_pixels_of_its_class_sum()
    {
        var plan = Planner.Plan(Declaration("-(y * logp)"));
        var statistic = plan.Statistics.Single(s => s.Name != "V");
        Assert.False(statistic.PerClass);
        Assert.Equal("logpt", statistic.Pixel!.ToString());
        Assert.Equal("sumc_all((logp * y))", statistic.Dense.ToString());
        Assert.Equal("-((S1 / max(V, 1)))", plan.Terms[0].Expression.ToString());
    }

    private static LossDeclaration Declaration(params string[] terms) => new(
        new TypeLocation("", SegLoss.Generator.Helpers.EquatableArray<string>.Empty, "Test"),
        new LossOptions(SegLoss.Generator.Model.Activation.Softmax, true, false, null, 0, null),
        SegLoss.Generator.Helpers.EquatableArray<ParameterModel>.Empty,
        terms.Select((t, i) => new TermModel("t" + i, t, Bind(t), "t" + i + "_weight", null, null, null)).ToArray().ToEquatableArray());

    private static string Print(ParsedExpr expr) => expr switch
    {
        ParsedNumber n => n.Value.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        ParsedIdentifier i => i.Name,
        ParsedUnary u => $"-({Print(u.Operand)})",
        ParsedBinary b => $"({Print(b.Left)} {b.Operator} {Print(b.Right)})",
        ParsedCall c => $"{c.Name}({string.Join(", ", c.Arguments.Select(Print))})",
        _ => "?",
    };
}
