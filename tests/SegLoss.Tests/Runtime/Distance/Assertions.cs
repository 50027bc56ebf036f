using System;

namespace SegLoss.Tests.Runtime.Distance;

/// <summary>Element-wise comparisons within float rounding.</summary>
public static class Assertions
{
    /// <summary>Every value within 1e-12 relative to max(1, |expected|); infinities must match exactly.</summary>
    public static void Close(ReadOnlySpan<double> expected, ReadOnlySpan<double> actual, string context = "", double tolerance = 1e-12)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (var i = 0; i < expected.Length; i++)
        {
            var e = expected[i];
            var a = actual[i];
            if (e == a || (double.IsNaN(e) && double.IsNaN(a)))
            {
                continue;
            }

            Assert.True(
                !double.IsInfinity(e) && Math.Abs(a - e) <= tolerance * Math.Max(1.0, Math.Abs(e)),
                $"{context} element {i}: expected {e:R}, got {a:R}");
        }
    }

    /// <summary>Single-precision results: within one float rounding of the double reference.</summary>
    public static void Close(ReadOnlySpan<double> expected, ReadOnlySpan<float> actual, string context = "")
    {
        var widened = new double[actual.Length];
        for (var i = 0; i < actual.Length; i++)
        {
            widened[i] = actual[i];
        }

        Close(expected, widened, context, tolerance: 1.2e-7);
    }
}
