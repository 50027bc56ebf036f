using System.Collections.Generic;
using System.Linq;
using static SegLoss.Conformance.Mappings.MappingHelpers;

namespace SegLoss.Conformance.Mappings;

/// <summary>
/// segmentation_models.pytorch (main branch): DiceLoss, FocalLoss, SoftCrossEntropyLoss. smp always pools over the
/// batch, zeroes classes absent from it, and takes the (weighted) mean over classes; its multiclass focal loss is a
/// one-vs-rest sigmoid focal loss. All of it is written as [Term]s.
/// </summary>
public sealed class SmpMapping : ILossMapping
{
    public bool Handles(GoldenFile file) => file.Anchor.StartsWith("smp", System.StringComparison.Ordinal);

    public MappingResult Map(GoldenFile file) => file.Loss switch
    {
        "dice" => Overlap(file, "(TP + smooth)/max((P + G)/2 + smooth, eps)"),
        "iou" => Overlap(file, "(TP + smooth)/max(P + G - TP + smooth, eps)"),
        "tversky" or "focal_tversky" => Overlap(file, "(TP + smooth)/max(TP + alpha*FP + beta*FN + smooth, eps)"),
        "mcc" => MatthewsCorrelation(file),
        "focal" => Focal(file),
        "ce" or "soft_ce" => SoftCrossEntropy(file),
        "bce" or "soft_bce" or "wbce" => SoftBinaryCrossEntropy(file),
        "lovasz_softmax" or "lovasz_hinge" => Lovasz(file),
        _ => new Unsupported($"smp loss '{file.Loss}' is not in the catalog yet"),
    };

    private static int? IgnoreIndex(GoldenFile file, out Unsupported? unsupported)
    {
        unsupported = null;
        if (!file.Has("ignore_index"))
        {
            return null;
        }

        if (!TargetIsIndices(file))
        {
            unsupported = new Unsupported("ignore_index with a dense target is not mapped");
        }

        return (int)file.Double("ignore_index", 0);
    }

    /// <summary>
    /// DiceLoss, JaccardLoss, TverskyLoss: a score per class over the whole batch, loss 1 - score (or -log score), zeroed
    /// where the class is absent from the batch, then the (weighted) mean over classes; Tversky raises it to gamma.
    /// </summary>
    private static MappingResult Overlap(GoldenFile file, string score)
    {
        var ignore = IgnoreIndex(file, out var unsupported);
        if (unsupported is not null)
        {
            return unsupported;
        }

        var perClass = file.Bool("log_loss") ? $"-log(max({score}, eps))" : $"1 - {score}";
        var loss = $"sumc(w * ({perClass}) * (G > 0))";
        var gamma = file.Double("gamma", 1.0);
        var attributes = new List<string>
        {
            Declare.SegLoss(Activation(file), batchStatistics: true, classWeights: NormalizedWeights(file.Channels, file.Doubles("class_weights"), Ints(file, "classes")), ignoreIndex: ignore),
            Declare.Term(gamma == 1.0 ? loss : $"({loss})^gamma", name: file.Loss),
            Declare.Param("smooth", file.Double("smooth", 0.0)),
            Declare.Param("eps", file.Double("eps", 1e-7)),
        };
        if (score.Contains("alpha", System.StringComparison.Ordinal))
        {
            attributes.Add(Declare.Param("alpha", file.Double("alpha", 0.5)));
            attributes.Add(Declare.Param("beta", file.Double("beta", 0.5)));
        }

        if (gamma != 1.0)
        {
            attributes.Add(Declare.Param("gamma", gamma));
        }

        return new Declaration(attributes.ToArray());
    }

    /// <summary>
    /// LovaszLoss: multiclass is Lovász-Softmax over present classes, binary the Lovász hinge on the raw logits;
    /// per_image is per-sample statistics.
    /// </summary>
    private static MappingResult Lovasz(GoldenFile file)
    {
        var ignore = IgnoreIndex(file, out var unsupported);
        if (unsupported is not null)
        {
            return unsupported;
        }

        var perImage = file.Bool("per_image");
        return file.String("mode") switch
        {
            // The built-in [LovaszSoftmax] / [LovaszHinge], with smp's float32 Jaccard increments (lovasz(e, 32)).
            "multiclass" => new Declaration(
                Declare.SegLoss("Softmax", ignoreIndex: ignore),
                Declare.Term("sumc(lovasz(abs(y - p), 32) * (G > 0)) / max(sumc(G > 0), 1)", name: "lovasz_softmax", batchStatistics: !perImage)),
            "binary" => new Declaration(
                Declare.SegLoss("Sigmoid", ignoreIndex: ignore),
                Declare.Term("meanc(lovasz(max(1 - z*(2*y - 1), 0), 32))", name: "lovasz_hinge", batchStatistics: !perImage)),
            var mode => new Unsupported($"LovaszLoss mode '{mode}' is not mapped"),
        };
    }

    /// <summary>MCCLoss: every soft count summed over the batch and channels, plus eps.</summary>
    private static MappingResult MatthewsCorrelation(GoldenFile file)
    {
        const string tp = "(sumc(TP) + eps)";
        const string tn = "(sumc(TN) + eps)";
        const string fp = "(sumc(FP) + eps)";
        const string fn = "(sumc(FN) + eps)";
        return new Declaration(
            Declare.SegLoss(Activation(file), batchStatistics: true),
            Declare.Term($"1 - ({tp}*{tn} - {fp}*{fn})/sqrt(({tp} + {fp})*({tp} + {fn})*({tn} + {fp})*({tn} + {fn}))", name: "mcc"),
            Declare.Param("eps", file.Double("eps", 1e-5)));
    }

    /// <summary>SoftBCEWithLogitsLoss: the built-in [BinaryCrossEntropy] (smooth_factor, pos_weight).</summary>
    private static MappingResult SoftBinaryCrossEntropy(GoldenFile file)
    {
        if (RequireMeanReduction(file) is { } reduction)
        {
            return reduction;
        }

        if (file.Has("weight"))
        {
            return new Unsupported("an element-wise weight is not mapped");
        }

        var positive = file.Doubles("pos_weight");
        if (positive is { Length: > 1 })
        {
            return new Unsupported("a per-channel pos_weight is not mapped");
        }

        return new Declaration(
            Declare.SegLoss(Activation(file)),
            Declare.Attribute("BinaryCrossEntropy", ("LabelSmoothing", file.Double("smooth_factor", 0.0)), ("PositiveWeight", positive?[0])));
    }

    /// <summary>
    /// FocalLoss: per channel, focal_loss_with_logits against (y == c): BCE-with-logits ce, pt = exp(-ce),
    /// (1 - pt)^gamma (or the reduced form), alpha balancing, optional normalisation; mean over the batch's pixels,
    /// then the (weighted) mean over channels.
    /// </summary>
    private static MappingResult Focal(GoldenFile file)
    {
        if (RequireMeanReduction(file) is { } reduction)
        {
            return reduction;
        }

        var ignore = IgnoreIndex(file, out var unsupported);
        if (unsupported is not null)
        {
            return unsupported;
        }

        const string ce = "(-(y*logp + (1 - y)*log(1 - p)))";
        const string pt = "exp(-" + ce + ")";
        var reduced = file.Has("reduced_threshold");
        var focusing = reduced
            ? $"(({pt} < threshold) + ({pt} >= threshold) * ((1 - {pt})/threshold)^gamma)"
            : $"(1 - {pt})^gamma";
        var balance = file.Has("alpha") ? " * (alpha*y + (1 - alpha)*(1 - y))" : "";
        var loss = $"{focusing} * {ce}{balance}";
        var perClass = file.Bool("normalized") ? $"sumx({loss}) / max(sumx({focusing}), 1e-6) / V" : $"meanx({loss})";
        var attributes = new[]
        {
            Declare.SegLoss(Activation(file), batchStatistics: true, classWeights: NormalizedWeights(file.Channels, file.Doubles("class_weights"), null), ignoreIndex: ignore),
            Declare.Term($"sumc(w * {perClass})", name: "focal"),
            Declare.Param("gamma", file.Double("gamma", 2.0)),
        }.ToList();
        if (reduced)
        {
            attributes.Add(Declare.Param("threshold", file.Double("reduced_threshold", 0.5)));
        }

        if (file.Has("alpha"))
        {
            attributes.Add(Declare.Param("alpha", file.Double("alpha", 0.25)));
        }

        return new Declaration(attributes.ToArray());
    }

    /// <summary>SoftCrossEntropyLoss: (1 - ε)·nll + ε·mean_c(-log p), which is torch's label-smoothed cross-entropy.</summary>
    private static MappingResult SoftCrossEntropy(GoldenFile file)
    {
        if (RequireMeanReduction(file) is { } reduction)
        {
            return reduction;
        }

        var ignore = (int)file.Double("ignore_index", -100);
        if (file.Target.Values.Any(v => v == ignore))
        {
            return new Unsupported("smp counts ignored pixels in the mean denominator; such targets are not mapped");
        }

        return new Declaration(
            Declare.SegLoss(Activation(file)),
            Declare.Attribute("CrossEntropy", ("LabelSmoothing", file.Double("smooth_factor", 0.0))));
    }
}
