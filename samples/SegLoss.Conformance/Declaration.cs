using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace SegLoss.Conformance;

/// <summary>What a mapping makes of a golden file: a declaration, or the reason there is none.</summary>
public abstract record MappingResult;

/// <summary>
/// A SegLoss declaration reproducing one golden file: the attributes of the partial class and the constructor
/// arguments to create it with.
/// </summary>
public sealed record Declaration(IReadOnlyList<string> Attributes, IReadOnlyDictionary<string, object?> Arguments) : MappingResult
{
    public Declaration(params string[] attributes)
        : this(attributes, new Dictionary<string, object?>())
    {
    }

    /// <summary>The class declaration's source, named <paramref name="typeName"/>.</summary>
    public string Source(string typeName) =>
        string.Join("\n", Attributes) + $"\npublic partial class {typeName} {{ }}\n";
}

public sealed record Unsupported(string Reason) : MappingResult;

/// <summary>Writes attribute text with invariant, round-trip numbers.</summary>
public static class Declare
{
    public static string Number(double value)
    {
        var text = value.ToString("R", CultureInfo.InvariantCulture);
        return text.IndexOfAny(new[] { '.', 'E' }) >= 0 ? text : text + ".0";
    }

    public static string Numbers(IEnumerable<double> values) => "new[] { " + string.Join(", ", values.Select(Number)) + " }";

    public static string Text(string value) => "\"" + value.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"";

    /// <summary><c>[Name(a = b, ...)]</c>, leaving out null values.</summary>
    public static string Attribute(string name, params (string Name, object? Value)[] arguments)
    {
        var parts = arguments.Where(a => a.Value is not null).Select(a => a.Name.Length == 0 ? Format(a.Value!) : $"{a.Name} = {Format(a.Value!)}");
        var list = string.Join(", ", parts);
        return list.Length == 0 ? $"[{name}]" : $"[{name}({list})]";
    }

    public static string SegLoss(string activation, bool? includeBackground = null, bool? batchStatistics = null, double[]? classWeights = null, int? ignoreIndex = null) =>
        Attribute(
            "SegLoss",
            ("", new Raw("Activation." + activation)),
            ("IncludeBackground", includeBackground),
            ("BatchStatistics", batchStatistics),
            ("ClassWeights", classWeights),
            ("IgnoreIndex", ignoreIndex));

    public static string Term(string expression, string? name = null, double? weight = null, bool? batchStatistics = null, double[]? classWeights = null, bool? includeBackground = null) =>
        Attribute(
            "Term",
            ("", expression),
            ("Name", name),
            ("Weight", weight),
            ("BatchStatistics", batchStatistics),
            ("ClassWeights", classWeights),
            ("IncludeBackground", includeBackground));

    public static string Param(string name, double value) => $"[Param({Text(name)}, {Number(value)})]";

    private static string Format(object value) => value switch
    {
        Raw raw => raw.Code,
        string text => Text(text),
        bool flag => flag ? "true" : "false",
        double number => Number(number),
        int integer => integer.ToString(CultureInfo.InvariantCulture),
        double[] numbers => Numbers(numbers),
        _ => value.ToString() ?? "",
    };

    /// <summary>Code written as is (an enum member).</summary>
    public sealed record Raw(string Code);
}
