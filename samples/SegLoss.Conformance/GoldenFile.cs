using System;
using System.IO;
using System.Linq;
using System.Text.Json;

namespace SegLoss.Conformance;

/// <summary>A flat row-major array with its shape, as golden files store tensors.</summary>
public sealed record FlatArray(long[] Shape, double[] Values)
{
    public static FlatArray Read(JsonElement element) => new(
        element.GetProperty("shape").EnumerateArray().Select(v => v.GetInt64()).ToArray(),
        element.GetProperty("values").EnumerateArray().Select(v => v.GetDouble()).ToArray());
}

/// <summary>
/// One golden loss file (schema in shared/golden/README.md): the anchor's parameters, input, target, and the value
/// and gradient the anchor's own code returned.
/// </summary>
public sealed class GoldenFile
{
    private GoldenFile(string path, JsonElement root)
    {
        Path = path;
        Root = root;
    }

    public string Path { get; }

    public JsonElement Root { get; }

    /// <summary>The anchor description, e.g. "MONAI monai/losses/dice.py DiceLoss".</summary>
    public string Anchor => Root.TryGetProperty("anchor", out var a) ? a.GetString() ?? "" : "";

    /// <summary>The loss family, e.g. "dice"; empty for edt/cc fixtures.</summary>
    public string Loss => Root.TryGetProperty("loss", out var l) ? l.GetString() ?? "" : "";

    public JsonElement Params => Root.GetProperty("params");

    public string Notes => Root.TryGetProperty("notes", out var n) ? n.GetString() ?? "" : "";

    /// <summary>
    /// Files whose anchor computes in float32 say so in their notes ("PRECISION", or "float32 precision"): compared at 1e-6.
    /// </summary>
    public bool IsReducedPrecision => Notes.Contains("PRECISION", StringComparison.OrdinalIgnoreCase);

    public FlatArray Input => FlatArray.Read(Root.GetProperty("input"));

    public FlatArray Target => FlatArray.Read(Root.GetProperty("target"));

    public double Value => Root.GetProperty("value").GetDouble();

    public FlatArray Gradient => FlatArray.Read(Root.GetProperty("grad"));

    /// <summary>The channel count C of the input.</summary>
    public long Channels => Input.Shape[1];

    public static GoldenFile Load(string path)
    {
        using var stream = File.OpenRead(path);
        using var document = JsonDocument.Parse(stream);
        return new GoldenFile(path, document.RootElement.Clone());
    }

    public bool Has(string parameter) => Params.TryGetProperty(parameter, out var value) && value.ValueKind != JsonValueKind.Null;

    public string? String(string parameter) => Has(parameter) && Params.GetProperty(parameter).ValueKind == JsonValueKind.String
        ? Params.GetProperty(parameter).GetString()
        : null;

    public bool Bool(string parameter, bool fallback = false) =>
        Params.TryGetProperty(parameter, out var value) && value.ValueKind is JsonValueKind.True or JsonValueKind.False ? value.GetBoolean() : fallback;

    public double Double(string parameter, double fallback) =>
        Params.TryGetProperty(parameter, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDouble() : fallback;

    /// <summary>A numeric list parameter; a single number becomes a one-element list.</summary>
    public double[]? Doubles(string parameter)
    {
        if (!Has(parameter))
        {
            return null;
        }

        var value = Params.GetProperty(parameter);
        return value.ValueKind == JsonValueKind.Array
            ? value.EnumerateArray().Select(v => v.GetDouble()).ToArray()
            : value.ValueKind == JsonValueKind.Number ? new[] { value.GetDouble() } : null;
    }

    public JsonElement? Object(string parameter) =>
        Has(parameter) && Params.GetProperty(parameter).ValueKind == JsonValueKind.Object ? Params.GetProperty(parameter) : null;
}
