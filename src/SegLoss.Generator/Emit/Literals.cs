using System.Globalization;
using System.Linq;
using SegLoss.Generator.Helpers;

namespace SegLoss.Generator.Emit;

/// <summary>C# literals written the same way on every machine (invariant culture, round-trip doubles).</summary>
internal static class Literals
{
    public static string Double(double value)
    {
        if (double.IsNaN(value))
        {
            return "double.NaN";
        }

        if (double.IsInfinity(value))
        {
            return value > 0 ? "double.PositiveInfinity" : "double.NegativeInfinity";
        }

        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.IndexOfAny(new[] { '.', 'E', 'e' }) >= 0 ? text : text + ".0";
    }

    public static string Bool(bool value) => value ? "true" : "false";

    public static string DoubleArray(EquatableArray<double>? values) =>
        values is { } array ? "new double[] { " + string.Join(", ", array.Select(Double)) + " }" : "null";

    public static string String(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    /// <summary><c>focal_tversky</c> to <c>FocalTversky</c>, for local names.</summary>
    public static string Pascal(string snake) =>
        string.Concat(snake.Split('_').Where(p => p.Length > 0).Select(p => char.ToUpperInvariant(p[0]) + p.Substring(1)));

    /// <summary><c>focal_tversky</c> to <c>focalTversky</c>.</summary>
    public static string Camel(string snake)
    {
        var pascal = Pascal(snake);
        return pascal.Length == 0 ? pascal : char.ToLowerInvariant(pascal[0]) + pascal.Substring(1);
    }
}
