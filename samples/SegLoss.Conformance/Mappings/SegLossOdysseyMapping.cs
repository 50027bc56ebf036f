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
    public bool Handles(GoldenFile file) => file.Anchor.StartsWith("SegLossOdyssey", System.StringComparison.Ordinal);

    /// <summary>
    /// The similarity of each SoftDiceLoss-family class (nnU-Net v1 get_tp_fp_fn) from tp, fp and fn, which
    /// <c>square=True</c> squares per pixel before summing. The anchors return the negated mean.
    /// </summary>
    private static string Similarity(string loss, bool square)
    {
        var (tp, fp, fn) = square
            ? ("sumx((p*y)^2)", "sumx((p*(1 - y))^2)", "sumx(((1 - p)*y)^2)")
            : ("TP", "FP", "FN");
        return loss switch
        {
            "dice" => $"(2*{tp} + smooth)/(2*{tp} + {fp} + {fn} + smooth)",
            "iou" => $"({tp} + smooth)/({tp} + {fp} + {fn} + smooth)",
            // TverskyLoss: alpha = 0.3 on fp and beta = 0.7 on fn are fixed attributes of the anchor.
            "tversky" => $"({tp} + smooth)/({tp} + 0.3*{fp} + 0.7*{fn} + smooth)",
            // AsymLoss: beta = 1.5 fixed; weight = beta^2/(1 + beta^2) on fn, 1 - weight on fp.
            "asym" => $"({tp} + smooth)/({tp} + 2.25/3.25*{fn} + (1 - 2.25/3.25)*{fp} + smooth)",
            _ => throw new System.ArgumentOutOfRangeException(nameof(loss), loss, null),
        };
    }

    public MappingResult Map(GoldenFile file) => file.Loss switch
    {
        "dice" or "iou" or "tversky" or "asym" => SoftDice(file, file.Params, file.Loss),
        "ss" => SoftDice(file, file.Params, file.Loss),
        "ce" or "wce" => CrossEntropy(file.Params).Alone(file),
        "topk" => TopK(file.Params).Alone(file),
        "focal" => Focal(file),
        "focal_tversky" => FocalTversky(file),
        "gdice" => GeneralizedDice(file),
        "pgdice" => PenaltyGeneralizedDice(file),
        "explog" => ExpLog(file),
        // LovaszSoftmax takes probabilities (the harness applies the softmax) and averages all classes over the batch.
        "lovasz_softmax" => (MappingResult?)RequireMeanReduction(file) ?? new Declaration(
            Declare.SegLoss(Activation(file), batchStatistics: true),
            Declare.Term("meanc(lovasz(abs(y - p), 32))", name: "lovasz_softmax", batchStatistics: true)),
        "boundary" => new Declaration(
            Declare.SegLoss(Activation(file), includeBackground: false),
            Declare.Attribute("Boundary")),
        // BDLoss multiplies float32 probabilities by the float32 map and takes a float32 mean (mean32).
        "dice_boundary" => SoftDice(file, file.Object("soft_dice_kwargs") ?? default, "dice",
            new DistributionTerm(Declare.Term("mean32(float32(float32(p)*float32(sdist)))", name: "boundary", includeBackground: false), null, null)),
        // DistBinaryDiceLoss: the intersection weighted by the penalty map + 1 (binary: class 1), negative score. (It casts
        // the map to float32 only when it is on another device than the prediction, so on the CPU it stays float64.)
        "dist_dice" => new Declaration(
            Declare.SegLoss(Activation(file), includeBackground: false),
            Declare.Term("-(2*sumx(p*y*(1 + penalty)) + smooth)/(P + G + smooth)", name: "dist_dice"),
            Declare.Param("smooth", file.Double("smooth", 1e-5))),
        // DisPenalizedCE computes a penalty map and discards it: its value is plain cross-entropy.
        "dpce" => new Declaration(Declare.SegLoss(Activation(file)), Declare.Attribute("CrossEntropy")),
        // HDDTBinaryLoss: float32 fields, their alpha powers and sum in float32, the squared error in float64.
        "hd_dt" => new Declaration(
            Declare.Attribute("SegLoss", ("", new Declare.Raw("Activation." + Activation(file))), ("DistanceField", new Declare.Raw("DistanceField.SegLossOdyssey"))),
            Declare.Term("meanx((p - y)^2*float32(float32(float32(pdist)^alpha) + float32(float32(dist)^alpha)))", name: "hd_dt", batchStatistics: true),
            Declare.Param("alpha", file.Double("alpha", 2.0))),
        "dice_ce" => Compound(file, CrossEntropy),
        "dice_topk" => Compound(file, TopK),
        _ => new Unsupported($"SegLossOdyssey loss '{file.Loss}' is not in the catalog yet"),
    };

    /// <summary>A SoftDiceLoss-family term (negated similarity, or SSLoss) with its options, plus a distribution term.</summary>
    private static MappingResult SoftDice(GoldenFile file, JsonElement kwargs, string loss, DistributionTerm? distribution = null)
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

        // SSLoss: r = 0.1 fixed; square is stored but unused.
        var term = loss == "ss"
            ? "0.1*sumx((y - p)^2*y)/(G + smooth) + 0.9*sumx((y - p)^2*(1 - y))/(V - G + smooth)"
            : "-" + Similarity(loss, Get(kwargs, "square", false));
        var attributes = new List<string>
        {
            Declare.SegLoss(Activation(file), includeBackground, Get(kwargs, "batch_dice", false), distribution?.Weights, distribution?.IgnoreIndex),
            Declare.Term(term, name: loss),
            Declare.Param("smooth", Get(kwargs, "smooth", 1.0)),
        };
        if (distribution is not null)
        {
            attributes.Add(distribution.Attribute);
        }

        return new Declaration(attributes.ToArray());
    }

    /// <summary>DC_and_CE_loss, DC_and_topk_loss: a distribution loss plus SoftDiceLoss (negative), summed.</summary>
    private static MappingResult Compound(GoldenFile file, System.Func<JsonElement, DistributionTerm> distribution)
    {
        if (file.String("aggregate") is { } aggregate && aggregate != "sum")
        {
            return new Unsupported($"aggregate '{aggregate}' is not mapped");
        }

        return SoftDice(file, file.Object("soft_dice_kwargs") ?? default, "dice", distribution(file.Object("ce_kwargs") ?? default));
    }

    /// <summary>A torch cross-entropy-based term, with the anchor's class weights and ignore index.</summary>
    private sealed record DistributionTerm(string Attribute, double[]? Weights, int? IgnoreIndex)
    {
        public Declaration Alone(GoldenFile file) => new(Declare.SegLoss(Activation(file), classWeights: Weights, ignoreIndex: IgnoreIndex), Attribute);
    }

    private static DistributionTerm CrossEntropy(JsonElement kwargs) => Distribution(kwargs, Declare.Attribute("CrossEntropy"));

    /// <summary>TopKLoss: the mean of the int(numel * k / 100) largest per-voxel cross-entropies of the batch.</summary>
    private static DistributionTerm TopK(JsonElement kwargs) =>
        Distribution(kwargs, Declare.Attribute("TopK", ("Percent", Get(kwargs, "k", 10.0))));

    /// <summary>The anchor's weight and ignore_index (-100, torch's default, never matches a label).</summary>
    private static DistributionTerm Distribution(JsonElement kwargs, string term)
    {
        var ignore = kwargs.ValueKind == JsonValueKind.Object && kwargs.TryGetProperty("ignore_index", out var i) && i.ValueKind == JsonValueKind.Number ? i.GetInt32() : -100;
        var weight = kwargs.ValueKind == JsonValueKind.Object && kwargs.TryGetProperty("weight", out var w) && w.ValueKind == JsonValueKind.Array
            ? w.EnumerateArray().Select(v => v.GetDouble()).ToArray()
            : null;
        return new DistributionTerm(term, weight, ignore == -100 ? null : ignore);
    }

    /// <summary>FocalTversky_loss: (1 + TverskyLoss)^gamma = (1 - mean over samples and classes of TI)^gamma.</summary>
    private static MappingResult FocalTversky(GoldenFile file)
    {
        var kwargs = file.Object("tversky_kwargs") ?? default;
        var alpha = file.Double("tversky_alpha", 0.3);
        var beta = file.Double("tversky_beta", 0.7);
        if (alpha != 0.3 || beta != 0.7 || Get(kwargs, "square", false))
        {
            return new Unsupported("the anchor's Tversky alpha/beta are fixed at 0.3/0.7 and square is not mapped");
        }

        return new Declaration(
            Declare.SegLoss(Activation(file), Get(kwargs, "do_bg", true), Get(kwargs, "batch_dice", false)),
            Declare.Term($"meanb(meanc(1 - {Similarity("tversky", false)}))^gamma", name: "focal_tversky"),
            Declare.Param("smooth", Get(kwargs, "smooth", 1.0)),
            Declare.Param("gamma", file.Double("gamma", 0.75)));
    }

    /// <summary>
    /// GDiceLoss: per sample -2(Σc g·I + s)/(Σc g·(P + G) + s) with float32 weights g = 1/(G + 1e-10)^2 (an absent class
    /// gets about 1e20). GDiceLossV2: over the whole batch, g = 1/max(G^2, s) in float32, -2 Σ g·I / max(Σ g·(P + G), s).
    /// </summary>
    private static MappingResult GeneralizedDice(GoldenFile file)
    {
        var smooth = file.Double("smooth", 1e-5);
        if (file.Anchor.Contains("GDiceLossV2", System.StringComparison.Ordinal))
        {
            const string v2 = "float32(1/max(G^2, float32(smooth)))";
            return new Declaration(
                Declare.SegLoss(Activation(file), batchStatistics: true),
                Declare.Term($"-2*sumc({v2}*TP)/max(sumc({v2}*(P + G)), smooth)", name: "gdice"),
                Declare.Param("smooth", smooth));
        }

        return new Declaration(
            Declare.SegLoss(Activation(file)),
            Declare.Term(NegativeGeneralizedDice, name: "gdice"),
            Declare.Param("smooth", smooth));
    }

    private const string NegativeGeneralizedDice =
        "-2*(sumc(float32(1/float32(float32(G + 1e-10)^2))*TP) + smooth)/(sumc(float32(1/float32(float32(G + 1e-10)^2))*(P + G)) + smooth)";

    /// <summary>PenaltyGDiceLoss: gdc/(1 + k(1 - gdc)) with gdc the GDiceLoss value (a batch mean).</summary>
    private static MappingResult PenaltyGeneralizedDice(GoldenFile file)
    {
        var kwargs = file.Object("gdice_kwargs") ?? default;
        return new Declaration(
            Declare.SegLoss(Activation(file)),
            Declare.Term($"meanb({NegativeGeneralizedDice})/(1 + k*(1 - meanb({NegativeGeneralizedDice})))", name: "pgdice"),
            Declare.Param("smooth", Get(kwargs, "smooth", 1e-5)),
            Declare.Param("k", file.Double("k", 2.5)));
    }

    /// <summary>ExpLog_loss: 0.8·(-log(clamp(mean Dice, 1e-6)))^gamma + 0.2·WCE, the mean over samples and classes first.</summary>
    private static MappingResult ExpLog(GoldenFile file)
    {
        var dice = file.Object("soft_dice_kwargs") ?? default;
        var weight = file.Object("wce_kwargs") is { } wce && wce.TryGetProperty("weight", out var w) && w.ValueKind == JsonValueKind.Array
            ? w.EnumerateArray().Select(v => v.GetDouble()).ToArray()
            : null;
        return new Declaration(
            Declare.SegLoss(Activation(file), Get(dice, "do_bg", true), Get(dice, "batch_dice", false), weight),
            Declare.Term($"0.8*(-log(max(meanb(meanc({Similarity("dice", Get(dice, "square", false))})), 1e-6)))^gamma", name: "explog"),
            Declare.Param("smooth", Get(dice, "smooth", 1.0)),
            Declare.Param("gamma", file.Double("gamma", 0.3)),
            Declare.Attribute("CrossEntropy", ("Weight", 0.2)));
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

    private static bool Get(JsonElement kwargs, string name, bool fallback) =>
        kwargs.ValueKind == JsonValueKind.Object && kwargs.TryGetProperty(name, out var v) && v.ValueKind is JsonValueKind.True or JsonValueKind.False ? v.GetBoolean() : fallback;

    private static double Get(JsonElement kwargs, string name, double fallback) =>
        kwargs.ValueKind == JsonValueKind.Object && kwargs.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetDouble() : fallback;
}
