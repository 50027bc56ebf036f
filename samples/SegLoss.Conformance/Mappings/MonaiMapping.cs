using System.Collections.Generic;
using System.Linq;
using static SegLoss.Conformance.Mappings.MappingHelpers;

namespace SegLoss.Conformance.Mappings;

/// <summary>
/// MONAI (monai/losses): DiceLoss, FocalLoss, DiceCELoss, DiceFocalLoss. The built-in terms follow MONAI's defaults,
/// so most files map to <c>[Dice]</c>, <c>[CrossEntropy]</c> and <c>[Focal]</c>; MONAI's quirks are declarations.
/// </summary>
public sealed class MonaiMapping : ILossMapping
{
    public bool Handles(GoldenFile file) => file.Anchor.StartsWith("MONAI", System.StringComparison.Ordinal);

    public MappingResult Map(GoldenFile file)
    {
        if (RequireMeanReduction(file) is { } unsupported)
        {
            return unsupported;
        }

        if (file.Has("other_act"))
        {
            return new Unsupported("other_act is not mapped");
        }

        return file.Loss switch
        {
            "dice" or "iou" => Combine(file, DiceTerms(file, weight: null)),
            "tversky" => Tversky(file),
            "gdice" => Combine(file, GeneralizedDice(file, weight: null)),
            "gdice_focal" => GeneralizedDiceFocal(file),
            "cldice" => ClDice(file),
            "hd_dt" => file.Bool("batch")
                ? new Unsupported("HausdorffDTLoss(batch=True) is not mapped")
                // HausdorffDTLoss rounds its fields to float32 (.float()) and raises them to alpha in float32.
                : Combine(file, new[]
                {
                    Declare.Term("meanx((p - y)^2*float32(float32(float32(pdist)^alpha) + float32(float32(dist)^alpha)))", name: "hd_dt"),
                    Declare.Param("alpha", file.Double("alpha", 2.0)),
                }),
            "focal" => Focal(file),
            "dice_ce" => DiceCrossEntropy(file),
            "dice_focal" => DiceFocal(file),
            _ => new Unsupported($"MONAI loss '{file.Loss}' is not in the catalog yet"),
        };
    }

    /// <summary>MONAI drops include_background=False (with a warning) for a single channel.</summary>
    private static bool IncludeBackground(GoldenFile file) =>
        file.Channels == 1 || file.Bool("include_background", file.Loss != "hd_dt");

    /// <summary>
    /// MONAI's <c>weight</c> is indexed by the channels left after dropping the background (or is one number);
    /// SegLoss's class weights have one entry per channel. MONAI ignores it when a single channel is left.
    /// </summary>
    private static double[]? ChannelWeights(GoldenFile file, double[]? weight)
    {
        var include = IncludeBackground(file);
        var left = include ? file.Channels : file.Channels - 1;
        if (weight is null || left == 1)
        {
            return null;
        }

        if (weight.Length == 1)
        {
            return Enumerable.Repeat(weight[0], (int)file.Channels).ToArray();
        }

        return include ? weight : new[] { 1.0 }.Concat(weight).ToArray();
    }

    private static MappingResult Combine(GoldenFile file, IEnumerable<string> terms, double[]? classWeights = null) =>
        new Declaration(new[]
        {
            Declare.SegLoss(Activation(file), IncludeBackground(file), file.Bool("batch"), classWeights ?? ChannelWeights(file, file.Doubles("weight"))),
        }.Concat(terms).ToArray());

    /// <summary>DiceLoss: [Dice] for the default form; squared, Jaccard and soft-label forms as MONAI computes them.</summary>
    private static IEnumerable<string> DiceTerms(GoldenFile file, double? weight)
    {
        var nr = file.Double("smooth_nr", 1e-5);
        var dr = file.Double("smooth_dr", 1e-5);
        var squared = file.Bool("squared_pred");
        var jaccard = file.Bool("jaccard");
        var softLabel = file.Bool("soft_label");
        if (!squared && !jaccard && !softLabel)
        {
            yield return Declare.Attribute("Dice", ("SmoothNumerator", nr), ("SmoothDenominator", dr), ("Weight", weight));
            yield break;
        }

        // MONAI's compute_tp_fp_fn: tp = (po + go - |p - y|^ord) / 2 with po, go the ord-sums of p and y; the one-hot
        // it builds itself is float32, so with ord 2 its go = vector_norm(y)^2 carries float32 rounding.
        var anchorOneHot = file.Bool("to_onehot_y") && file.Channels > 1 && TargetIsIndices(file);
        string po, go, difference;
        if (squared)
        {
            (po, go, difference) = ("P2", anchorOneHot ? "float32(float32(sqrt(G2))^2)" : "G2", "sumx((p - y)^2)");
        }
        else
        {
            (po, go, difference) = ("P", "G", "sumx(abs(p - y))");
        }

        var tp = softLabel || squared ? $"({po} + {go} - {difference})/2" : "TP";
        var denominator = jaccard ? $"2*({po} + {go} - {tp})" : $"{po} + {go}";
        yield return Declare.Term($"w * (1 - (2*{tp} + smooth_nr) / ({denominator} + smooth_dr))", name: "dice", weight: weight);
        yield return Declare.Param("smooth_nr", nr);
        yield return Declare.Param("smooth_dr", dr);
    }

    /// <summary>TverskyLoss: 1 - (tp + nr)/(tp + alpha·fp + beta·fn + dr) per sample and class, the built-in [Tversky].</summary>
    private static MappingResult Tversky(GoldenFile file)
    {
        if (file.Bool("soft_label"))
        {
            return new Unsupported("soft_label is not mapped for TverskyLoss");
        }

        return Combine(file, new[]
        {
            Declare.Attribute(
                "Tversky",
                ("Alpha", file.Double("alpha", 0.5)),
                ("Beta", file.Double("beta", 0.5)),
                ("SmoothNumerator", file.Double("smooth_nr", 1e-5)),
                ("SmoothDenominator", file.Double("smooth_dr", 1e-5))),
        });
    }

    /// <summary>
    /// GeneralizedDiceLoss, as the built-in [GeneralizedDice] with MONAI's float32 weights: g = float32(1/G^k) from the
    /// float32 target volume, an absent class taking the largest weight of the sample (or batch).
    /// </summary>
    private static IEnumerable<string> GeneralizedDice(GoldenFile file, double? weight)
    {
        var present = file.String("w_type") switch
        {
            "simple" => "(G > 0)*float32(1/max(G, 1e-12))",
            "uniform" => "1",
            _ => "(G > 0)*float32(1/max(G, 1e-12)^2)",
        };
        var g = present == "1" ? "1" : $"({present} + (G <= 0)*maxc({present}))";
        yield return Declare.Term($"1 - (2*sumc({g}*TP) + smooth_nr)/(sumc({g}*(P + G)) + smooth_dr)", name: "gdice", weight: weight);
        yield return Declare.Param("smooth_nr", file.Double("smooth_nr", 1e-5));
        yield return Declare.Param("smooth_dr", file.Double("smooth_dr", 1e-5));
    }

    /// <summary>GeneralizedDiceFocalLoss: generalized Dice plus a sigmoid focal term on the raw logits, as in DiceFocalLoss.</summary>
    private static MappingResult GeneralizedDiceFocal(GoldenFile file)
    {
        var alpha = file.Has("alpha") ? file.Double("alpha", 0.25) : (double?)null;
        var focal = Declare.Attribute(
            "Focal",
            ("Activation", new Declare.Raw("Activation.Sigmoid")),
            ("Gamma", file.Double("gamma", 2.0)),
            ("Alpha", alpha),
            ("Weight", file.Double("lambda_focal", 1.0)));
        return Combine(file, GeneralizedDice(file, file.Double("lambda_gdl", 1.0)).Append(focal));
    }

    /// <summary>
    /// SoftclDiceLoss (the built-in [ClDice], channel 0 dropped, whole batch) and SoftDiceclDiceLoss, which adds
    /// (1 - alpha) times MONAI's soft_dice over the same channels with smoothing 1.
    /// </summary>
    private static MappingResult ClDice(GoldenFile file)
    {
        var smooth = file.Double("smooth", 1.0);
        var cldice = Declare.Attribute("ClDice", ("Iterations", file.Double("iter_", 3)), ("Smooth", smooth));
        if (!file.Has("alpha"))
        {
            return new Declaration(Declare.SegLoss(Activation(file), includeBackground: false, batchStatistics: true), cldice);
        }

        var alpha = file.Double("alpha", 0.5);
        return new Declaration(
            Declare.SegLoss(Activation(file), includeBackground: false, batchStatistics: true),
            Declare.Term("1 - (2*sumc(TP) + smooth)/(sumc(G) + sumc(P) + smooth)", name: "soft_dice", weight: 1 - alpha),
            Declare.Param("smooth", smooth),
            Declare.Attribute("ClDice", ("Iterations", file.Double("iter_", 3)), ("Smooth", smooth), ("Weight", alpha)));
    }

    private static MappingResult Focal(GoldenFile file)
    {
        var gamma = file.Double("gamma", 2.0);
        var alpha = file.Has("alpha") ? file.Double("alpha", 0.25) : (double?)null;
        var weights = ChannelWeights(file, file.Doubles("weight"));
        if (!file.Bool("use_softmax"))
        {
            return Combine(file, new[] { Declare.Attribute("Focal", ("Gamma", gamma), ("Alpha", alpha)) }, weights);
        }

        if (!IncludeBackground(file))
        {
            return new Unsupported("MONAI's softmax focal loss without background takes the softmax over the remaining channels; SegLoss drops the background after the softmax");
        }

        // use_softmax: -(1 - p_c)^gamma * log p_c * y_c per element, alpha factor [1 - alpha, alpha, alpha, ...],
        // mean over N*C*voxels: a per-class term averaged over the classes.
        var factor = Enumerable.Range(0, (int)file.Channels)
            .Select(c => (alpha is { } a ? (c == 0 ? 1 - a : a) : 1.0) * (weights?[c] ?? 1.0))
            .ToArray();
        return Combine(
            file,
            new[] { Declare.Term("w * meanx(-y * (1 - p)^gamma * logp)", name: "focal", batchStatistics: true), Declare.Param("gamma", gamma) },
            factor);
    }

    private static MappingResult DiceCrossEntropy(GoldenFile file)
    {
        var lambdaDice = file.Double("lambda_dice", 1.0);
        var lambdaCe = file.Double("lambda_ce", 1.0);
        var weight = file.Doubles("weight");
        if (file.Channels == 1)
        {
            // A single channel makes MONAI use BCEWithLogitsLoss(pos_weight=weight); Dice ignores the weight then.
            var bce = Declare.Term("meanx(-(w*y*logp + (1 - y)*log(1 - p)))", name: "bce", weight: lambdaCe, batchStatistics: true, classWeights: weight);
            return Combine(file, DiceTerms(file, lambdaDice).Append(bce));
        }

        // CE over all classes with torch's weighted mean; Dice gets the same per-channel weights (MONAI: weight[1:]
        // without background, i.e. the same entries by channel).
        var ce = Declare.Attribute("CrossEntropy", ("LabelSmoothing", file.Double("label_smoothing", 0.0)), ("Weight", lambdaCe));
        return Combine(file, DiceTerms(file, lambdaDice).Append(ce), weight);
    }

    private static MappingResult DiceFocal(GoldenFile file)
    {
        // MONAI's DiceFocalLoss builds its FocalLoss without use_softmax: a sigmoid focal term on the raw logits even
        // when Dice uses a softmax.
        var alpha = file.Has("alpha") ? file.Double("alpha", 0.25) : (double?)null;
        var focal = Declare.Attribute(
            "Focal",
            ("Activation", new Declare.Raw("Activation.Sigmoid")),
            ("Gamma", file.Double("gamma", 2.0)),
            ("Alpha", alpha),
            ("Weight", file.Double("lambda_focal", 1.0)));
        return Combine(file, DiceTerms(file, file.Double("lambda_dice", 1.0)).Append(focal));
    }
}
