using System.Collections.Generic;
using System.Linq;
using SegLoss.Generator.Model;

namespace SegLoss.Generator.Planning;

/// <summary>
/// A product of pixel atoms with integer powers, in canonical (sorted) order, e.g. <c>p^2 * y</c>.
/// The empty product is the constant 1 (its pixel sum is the valid-pixel count <c>V</c>).
/// </summary>
internal sealed class Monomial
{
    public static readonly Monomial Unit = new(new List<(string, Expr, int)>());

    private Monomial(List<(string Key, Expr Atom, int Power)> factors)
    {
        Factors = factors;
        Key = factors.Count == 0 ? "1" : string.Join(" * ", factors.Select(f => f.Power == 1 ? f.Key : f.Key + "^" + f.Power));
    }

    public IReadOnlyList<(string Key, Expr Atom, int Power)> Factors { get; }

    /// <summary>Canonical text; equal keys mean the same pixel sum.</summary>
    public string Key { get; }

    public static Monomial Of(Expr atom) => new(new List<(string, Expr, int)> { (atom.ToString(), atom, 1) });

    public Monomial Times(Monomial other)
    {
        var factors = Factors.ToDictionary(f => f.Key, f => (f.Atom, f.Power));
        foreach (var (key, atom, power) in other.Factors)
        {
            factors[key] = factors.TryGetValue(key, out var existing) ? (atom, existing.Power + power) : (atom, power);
        }

        return new Monomial(factors
            .OrderBy(f => f.Key, System.StringComparer.Ordinal)
            .Select(f => (f.Key, f.Value.Atom, f.Value.Power))
            .ToList());
    }

    /// <summary>The monomial as an expression.</summary>
    public Expr ToExpr()
    {
        Expr? product = null;
        foreach (var (_, atom, power) in Factors)
        {
            var factor = power == 1 ? atom : new BinaryExpr(BinaryOperator.Power, atom, new NumberExpr(power));
            product = product is null ? factor : new BinaryExpr(BinaryOperator.Multiply, product, factor);
        }

        return product ?? Algebra.One;
    }
}
