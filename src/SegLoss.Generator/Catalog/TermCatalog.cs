using System.Collections.Generic;
using SegLoss.Generator.Model;

namespace SegLoss.Generator.Catalog;

/// <summary>
/// The built-in terms. Each is a formula in the expression language plus its parameters; adding a term is adding an
/// entry here and an attribute class in SegLoss.Abstractions.
/// </summary>
internal static class TermCatalog
{
    public static readonly IReadOnlyList<CatalogEntry> Entries = new[]
    {
        new CatalogEntry(
            "SegLoss.DiceAttribute",
            "dice",
            new[]
            {
                new CatalogParameter("SmoothNumerator", "smooth_nr", 1e-5, ParameterRange.NonNegative, "Numerator smoothing of the Dice ratio."),
                new CatalogParameter("SmoothDenominator", "smooth_dr", 1e-5, ParameterRange.NonNegative, "Denominator smoothing of the Dice ratio."),
            },
            new[] { "Squared" },
            static choice => CatalogFormula.Of(choice.Has("Squared")
                ? "w * (1 - (2*TP + smooth_nr) / (P2 + G2 + smooth_dr))"
                : "w * (1 - (2*TP + smooth_nr) / (P + G + smooth_dr))"),
            BatchStatisticsDefault: null,
            "Soft Dice per class, averaged over classes then samples. Matches MONAI DiceLoss (smooth_nr = smooth_dr = 1e-5, weight multiplies the per-class loss)."),

        new CatalogEntry(
            "SegLoss.CrossEntropyAttribute",
            "ce",
            new[]
            {
                new CatalogParameter("LabelSmoothing", "label_smoothing", 0.0, ParameterRange.UnitInterval, "Label smoothing: target mass spread uniformly over the classes."),
            },
            System.Array.Empty<string>(),
            static choice => choice.Activation == Activation.Sigmoid
                ? CatalogFormula.Rejected("[CrossEntropy] needs a distribution over classes (Activation.Softmax or probabilities with Activation.None), not Activation.Sigmoid; use a binary cross-entropy [Term] for sigmoid outputs")
                : CatalogFormula.Of("sumx(-sumc(w * ((1 - label_smoothing)*y + label_smoothing/C) * logp)) / max(sumx(sumc(w*y)), 1e-12)"),
            BatchStatisticsDefault: true,
            "Cross-entropy as torch.nn.CrossEntropyLoss: weighted mean over all valid pixels of the batch, label smoothing as torch."),

        new CatalogEntry(
            "SegLoss.FocalAttribute",
            "focal",
            new[]
            {
                new CatalogParameter("Gamma", "gamma", 2.0, ParameterRange.NonNegative, "Focusing parameter: (1 - pt)^gamma down-weights easy pixels."),
                new CatalogParameter("Alpha", "alpha", 0.25, ParameterRange.UnitInterval, "Sigmoid mode: weight of positives (1 - alpha for negatives).", IsOptional: true),
            },
            System.Array.Empty<string>(),
            static choice => choice.Activation == Activation.Sigmoid
                ? CatalogFormula.Of(choice.Has("alpha")
                    ? "w * meanx(-(alpha*y*(1 - p)^gamma*logp + (1 - alpha)*(1 - y)*p^gamma*log(1 - p)))"
                    : "w * meanx(-(y*(1 - p)^gamma*logp + (1 - y)*p^gamma*log(1 - p)))")
                : choice.Has("alpha")
                    ? CatalogFormula.Rejected("[Focal] Alpha balances positives and negatives of the sigmoid focal loss; with a softmax give per-class α as ClassWeights")
                    : CatalogFormula.Of("-sumc(w*y) * (1 - pt)^gamma * logpt"),
            BatchStatisticsDefault: true,
            "Focal loss. Softmax: -wt (1-pt)^gamma log pt averaged over valid pixels (gamma = 0 is cross-entropy). Sigmoid: one-vs-rest per class with optional alpha balancing, averaged over classes (MONAI FocalLoss)."),
    };

    public static CatalogEntry? Find(string attributeMetadataName)
    {
        foreach (var entry in Entries)
        {
            if (entry.AttributeMetadataName == attributeMetadataName)
            {
                return entry;
            }
        }

        return null;
    }
}
