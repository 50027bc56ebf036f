using System;

namespace SegLoss.Runtime.Metrics;

/// <summary>Percentiles with linear interpolation between order statistics (numpy's and torch.quantile's default).</summary>
internal static class Percentile
{
    /// <summary>The <paramref name="percent"/>-th percentile of <paramref name="values"/> (finite, not empty).</summary>
    public static double Of(ReadOnlySpan<double> values, double percent)
    {
        var sorted = values.ToArray();
        Array.Sort(sorted);
        var position = percent / 100.0 * (sorted.Length - 1);
        var below = (int)Math.Floor(position);
        var above = Math.Min(below + 1, sorted.Length - 1);
        var weight = position - below;
        var low = sorted[below];
        var high = sorted[above];
        // torch.lerp / numpy's _lerp: from the nearer end, so weight 0 and 1 give the order statistics exactly.
        var difference = high - low;
        return weight < 0.5 ? low + weight * difference : high - difference * (1 - weight);
    }
}
