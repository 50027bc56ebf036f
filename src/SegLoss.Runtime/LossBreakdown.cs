using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace SegLoss.Runtime;

/// <summary>One term of a loss as evaluated: its weight, its mean value and, for per-class terms, its per-class means.</summary>
/// <param name="Name">The term's name (its catalog name or <c>Name</c>).</param>
/// <param name="Weight">The term's weight in the loss.</param>
/// <param name="Value">The term's value (mean over the batch), before weighting.</param>
/// <param name="PerClass">Class index to the term's mean value for that class; null for terms that are not per class.</param>
public sealed record TermBreakdown(string Name, double Weight, double Value, IReadOnlyDictionary<int, double>? PerClass);

/// <summary>A loss evaluated term by term, detached from autograd, for logging.</summary>
/// <param name="Total">The loss (mean over the batch when the reduction is None).</param>
/// <param name="Terms">Every term, in declaration order.</param>
public sealed record LossBreakdown(double Total, IReadOnlyList<TermBreakdown> Terms)
{
    /// <summary>Reads like <c>total=0.53 dice=0.41 (c1=0.38 c2=0.44) ce=0.12</c>.</summary>
    public override string ToString()
    {
        var text = new StringBuilder("total=").Append(Format(Total));
        foreach (var term in Terms)
        {
            text.Append(' ').Append(term.Name).Append('=').Append(Format(term.Value));
            if (term.PerClass is { Count: > 0 } perClass)
            {
                text.Append(" (").Append(string.Join(" ", perClass.Select(c => $"c{c.Key}={Format(c.Value)}"))).Append(')');
            }
        }

        return text.ToString();
    }

    private static string Format(double value) => value.ToString("G4", CultureInfo.InvariantCulture);
}
