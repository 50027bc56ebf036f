using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using static SegLoss.Conformance.Mappings.MappingHelpers;

namespace SegLoss.Conformance.Mappings;

/// <summary>
/// SegLossOdyssey (nnU-Net v1 code): SoftDiceLoss returns the negative Dice with smoothing in numerator and
/// denominator, CrossentropyND is torch's cross-entropy, FocalLoss is the Hsuxu port. Each convention is a [Term].
/// </summary>
public sealed class SegLossOdysseyMapping : ILossMapping
{
    /// <summary>SoftDiceLoss: dc = (2tp + s) / (2tp + fp + fn + s), returned negated.</summary>
    private const string NegativeDice = "-(2*TP + smooth) / (2*TP + FP + FN + smooth)";

    /// <summary>SoftDiceLoss with square=True squares tp, fp and fn per pixel before summing.</summary>
    private const string NegativeSquaredDice =
        "-(2*sumx((p*y)^2) + smooth) / (2*sumx((p*y)^2) + sumx((p*(1 - y))^2) + sumx(((1 - p)*y)^2) + smooth)";

    public bool Handles(GoldenFile file) => file.Anchor.StartsWith("SegLossOdyssey", System.StringComparison.Ordinal);

    public MappingResult Map(GoldenFile file) => file.Loss switch
    {
        "dice" => SoftDice(file, Params(file)),
        "ce" => CrossEntropy(file, file.Params),
        "focal" => Focal(file),
        "dice_ce" => DiceCrossEntropy(file),
        _ => new Unsupported($"SegLossOdyssey loss '{file.Loss}' is not in the catalog yet"),
    };

    private static JsonElement Params(GoldenFile file) => file.Params;

    private static MappingResult SoftDice(GoldenFile file, JsonElement kwargs, IEnumerable<string>? more = null)
    {
        if (kwargs.TryGetProperty("loss_mask", out var mask) && mask.ValueKind != JsonValueKind.Null)
        {
            return new Unsupported("loss_mask is not mapped");
        }

        var includeBackground = Get(kwargs, "do_bg", true);
        if (!includeBackground && file.Channels == 1)
        {
            return new Unsupported("do_bg=False with one channel leaves no class (the anchor returns NaN)");
        }

        var attributes = new List<string>
        {
            Declare.SegLoss(Activation(file), includeBackground, Get(kwargs, "batch_dice", false)),
            Declare.Term(Get(kwargs, "square", false) ? NegativeSquaredDice : NegativeDice, name: "dice"),
            Declare.Param("smooth", Get(kwargs, "smooth", 1.0)),
        };
        attributes.AddRange(more ?? Enumerable.Empty<string>());
        return new Declaration(attributes.ToArray());
    }

    private static MappingResult CrossEntropy(GoldenFile file, JsonElement kwargs)
    {
        var ignore = kwargs.TryGetProperty("ignore_index", out var i) && i.ValueKind == JsonValueKind.Number ? i.GetInt32() : -100;
        var weight = kwargs.TryGetProperty("weight", out var w) && w.ValueKind == JsonValueKind.Array ? w.EnumerateArray().Select(v => v.GetDouble()).ToArray() : null;
        return new Declaration(
            Declare.SegLoss(Activation(file), classWeights: weight, ignoreIndex: ignore == -100 ? null : ignore),
            Declare.Attribute("CrossEntropy"));
    }

    /// <summary>
    /// FocalLoss: the one-hot target is a float32 tensor clamped to [smooth/(C-1), 1-smooth], pt = Σc onehot·p + smooth,
    /// loss = -alpha[y] (1-pt)^gamma log pt, mean over voxels. Alpha (float32) becomes class weights.
    /// </summary>
    private static MappingResult Focal(GoldenFile file)
    {
        if (!file.Bool("size_average", true))
        {
            return new Unsupported("size_average=False (sum over voxels) is not mapped");
        }

        var channels = (int)file.Channels;
        double[]? alpha = null;
        if (file.Params.TryGetProperty("alpha", out var a) && a.ValueKind == JsonValueKind.Array)
        {
            var values = a.EnumerateArray().Select(v => (float)v.GetDouble()).ToArray();
            var sum = values.Aggregate(0f, (s, v) => s + v);
            alpha = values.Select(v => (double)(v / sum)).ToArray();
        }
        else if (a.ValueKind == JsonValueKind.Number)
        {
            var balance = (int)file.Double("balance_index", 0);
            alpha = Enumerable.Range(0, channels).Select(c => c == balance ? F32(a.GetDouble()) : F32(1 - a.GetDouble())).ToArray();
        }

        const string pt = "(sumc(clamp(y, float32(smooth/(C - 1)), float32(1 - smooth)) * p) + smooth)";
        return new Declaration(
            Declare.SegLoss(Activation(file), classWeights: alpha),
            Declare.Term($"-sumc(w*y) * (1 - {pt})^gamma * log({pt})", name: "focal", batchStatistics: true),
            Declare.Param("smooth", file.Double("smooth", 1e-5)),
            Declare.Param("gamma", file.Double("gamma", 2.0)));
    }

    /// <summary>DC_and_CE_loss: CrossentropyND + SoftDiceLoss, summed.</summary>
    private static MappingResult DiceCrossEntropy(GoldenFile file)
    {
        if (file.String("aggregate") is { } aggregate && aggregate != "sum")
        {
            return new Unsupported($"aggregate '{aggregate}' is not mapped");
        }

        var dice = file.Object("soft_dice_kwargs") ?? default;
        var ce = file.Object("ce_kwargs");
        if (ce is { } kwargs && kwargs.EnumerateObject().Any())
        {
            return new Unsupported("ce_kwargs other than the defaults are not mapped");
        }

        return SoftDice(file, dice, new[] { Declare.Attribute("CrossEntropy") });
    }

    private static bool Get(JsonElement kwargs, string name, bool fallback) =>
        kwargs.ValueKind == JsonValueKind.Object && kwargs.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;

    private static double Get(JsonElement kwargs, string name, double fallback) =>
        kwargs.ValueKind == JsonValueKind.Object && kwargs.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : fallback;
}
