using System;
using System.Globalization;
using System.Linq;

namespace SegLoss.Runtime;

/// <summary>Checks of the constructor arguments of generated losses; each failure names the argument.</summary>
public static class LossArguments
{
    /// <summary>A finite value &gt;= 0.</summary>
    public static double NonNegative(double value, string name) =>
        value >= 0 && !double.IsInfinity(value) ? value : throw OutOfRange(name, value, "a finite value >= 0");

    /// <summary>A value in [0, 1].</summary>
    public static double UnitInterval(double value, string name) =>
        value is >= 0 and <= 1 ? value : throw OutOfRange(name, value, "a value in [0, 1]");

    /// <summary>A percent in (0, 100].</summary>
    public static double Percent(double value, string name) =>
        value is > 0 and <= 100 ? value : throw OutOfRange(name, value, "a percent in (0, 100]");

    /// <summary>A finite value &gt; 0.</summary>
    public static double Positive(double value, string name) =>
        value > 0 && !double.IsInfinity(value) ? value : throw OutOfRange(name, value, "a finite value > 0");

    /// <summary>An odd whole number &gt;= 1 (a window width in pixels).</summary>
    public static double OddWindow(double value, string name) =>
        value >= 1 && value <= int.MaxValue && Math.Floor(value) == value && value % 2 == 1 ? value : throw OutOfRange(name, value, "an odd whole number >= 1");

    /// <summary>Any finite value.</summary>
    public static double Finite(double value, string name) =>
        double.IsFinite(value) ? value : throw OutOfRange(name, value, "a finite value");

    /// <summary>Null, or one finite non-negative weight per channel (copied, so later changes to the array do not leak in).</summary>
    public static double[]? ClassWeights(double[]? weights, string name)
    {
        if (weights is null)
        {
            return null;
        }

        if (weights.Length == 0 || weights.Any(w => !(w >= 0) || double.IsInfinity(w)))
        {
            throw new ArgumentException(
                $"{name} must hold one finite, non-negative weight per channel; got [{string.Join(", ", weights.Select(w => w.ToString("R", CultureInfo.InvariantCulture)))}].",
                name);
        }

        return (double[])weights.Clone();
    }

    /// <summary>Null, or one finite spacing &gt; 0 per spatial axis (copied).</summary>
    public static double[]? Spacing(double[]? spacing, string name)
    {
        if (spacing is null)
        {
            return null;
        }

        if (spacing.Length == 0 || spacing.Any(s => !(s > 0) || double.IsInfinity(s)))
        {
            throw new ArgumentException(
                $"{name} must hold one finite spacing > 0 per spatial axis; got [{string.Join(", ", spacing.Select(s => s.ToString("R", CultureInfo.InvariantCulture)))}].",
                name);
        }

        return (double[])spacing.Clone();
    }

    /// <summary>The TorchSharp reduction a generated loss reports through <c>Loss.reduction</c>.</summary>
    public static TorchSharp.torch.nn.Reduction ToTorch(Reduction reduction) => reduction switch
    {
        Reduction.Mean => TorchSharp.torch.nn.Reduction.Mean,
        Reduction.Sum => TorchSharp.torch.nn.Reduction.Sum,
        Reduction.None => TorchSharp.torch.nn.Reduction.None,
        _ => throw new ArgumentOutOfRangeException(nameof(reduction), reduction, "expected Mean, Sum or None"),
    };

    private static ArgumentOutOfRangeException OutOfRange(string name, double value, string expected) =>
        new(name, value, $"{name} = {value.ToString("R", CultureInfo.InvariantCulture)} is out of range: expected {expected}.");
}
