using System;
using System.Collections.Generic;
using SegLoss.Generator.Model;
using static SegLoss.Generator.Catalog.Parameters;

namespace SegLoss.Generator.Catalog;

/// <summary>Pixel-wise terms: cross-entropies, focal, TopK, exponential-logarithmic.</summary>
internal static class DistributionTerms
{
    public static readonly IReadOnlyList<CatalogEntry> Entries = new[]
    {
        new CatalogEntry(
            "SegLoss.CrossEntropyAttribute",
            "ce",
            new[] { Fraction("LabelSmoothing", "label_smoothing", 0.0, "Label smoothing: target mass spread uniformly over the classes.") },
            Array.Empty<string>(),
            static choice => choice.Activation == Activation.Sigmoid
                ? CatalogFormula.Rejected("[CrossEntropy] needs a distribution over classes (Activation.Softmax or probabilities with Activation.None), not Activation.Sigmoid; use [BinaryCrossEntropy] for sigmoid outputs")
                : CatalogFormula.Of("sumx(-sumc(w * ((1 - label_smoothing)*y + label_smoothing/C) * logp)) / max(sumx(sumc(w*y)), 1e-12)"),
            BatchStatisticsDefault: true,
            "Cross-entropy as torch.nn.CrossEntropyLoss: a weighted mean over all valid pixels of the batch, label smoothing as torch. " +
            "Matches SegLossOdyssey CrossentropyND / WeightedCrossEntropyLoss, MONAI DiceCELoss's CE part and smp SoftCrossEntropyLoss."),

        new CatalogEntry(
            "SegLoss.FocalAttribute",
            "focal",
            new[]
            {
                NonNegative("Gamma", "gamma", 2.0, "Focusing parameter: (1 - pt)^gamma down-weights easy pixels."),
                new CatalogParameter("Alpha", "alpha", 0.25, ParameterRange.UnitInterval, "Sigmoid mode: weight of positives (1 - alpha for negatives).", IsOptional: true),
            },
            Array.Empty<string>(),
            static choice => choice.Activation == Activation.Sigmoid
                ? CatalogFormula.Of(choice.Has("alpha")
                    ? "w * meanx(-(alpha*y*(1 - p)^gamma*logp + (1 - alpha)*(1 - y)*p^gamma*log(1 - p)))"
                    : "w * meanx(-(y*(1 - p)^gamma*logp + (1 - y)*p^gamma*log(1 - p)))")
                : choice.Has("alpha")
                    ? CatalogFormula.Rejected("[Focal] Alpha balances positives and negatives of the sigmoid focal loss; with a softmax give per-class α as ClassWeights")
                    : CatalogFormula.Of("-sumc(w*y) * (1 - pt)^gamma * logpt"),
            BatchStatisticsDefault: true,
            "Focal loss (Lin et al.). Softmax: -wt (1-pt)^gamma log pt averaged over valid pixels (gamma = 0 is cross-entropy), as " +
            "SegLossOdyssey FocalLoss without its clamped one-hot. Sigmoid: one-vs-rest per class with optional alpha, averaged over " +
            "classes: MONAI FocalLoss (also inside DiceFocalLoss, where it is sigmoid even with a softmax Dice). smp FocalLoss and MONAI's " +
            "softmax focal (which divides by C) are declarations."),

        new CatalogEntry(
            "SegLoss.TopKAttribute",
            "topk",
            new[] { new CatalogParameter("Percent", "percent", 10.0, ParameterRange.Percent, "Percent of the pixels with the largest cross-entropy that count.") },
            Array.Empty<string>(),
            static choice => choice.Activation == Activation.Sigmoid
                ? CatalogFormula.Rejected("[TopK] is a softmax cross-entropy; with Activation.Sigmoid use a [Term] over a binary cross-entropy")
                : CatalogFormula.Of("topk(-sumc(w*y)*logpt, percent)"),
            BatchStatisticsDefault: true,
            "TopK cross-entropy (Wu et al.), over the whole batch as SegLossOdyssey TopKLoss / nnU-Net (k = floor(pixels * percent / 100))."),

        new CatalogEntry(
            "SegLoss.BinaryCrossEntropyAttribute",
            "bce",
            new[]
            {
                Fraction("LabelSmoothing", "label_smoothing", 0.0, "Target smoothing: y(1 - s) + (1 - y)s."),
                NonNegative("PositiveWeight", "pos_weight", 1.0, "Weight of the positive term (torch's pos_weight)."),
            },
            Array.Empty<string>(),
            static _ => CatalogFormula.Of(
                "w * meanx(-(pos_weight*(y*(1 - label_smoothing) + (1 - y)*label_smoothing)*logp + (1 - (y*(1 - label_smoothing) + (1 - y)*label_smoothing))*log(1 - p)))"),
            BatchStatisticsDefault: true,
            "Binary cross-entropy per channel from logits (log-sigmoid, stable at any magnitude), mean over channels and pixels: " +
            "torch BCEWithLogitsLoss, MONAI DiceCELoss's single-channel CE and smp SoftBCEWithLogitsLoss (smooth_factor, pos_weight)."),

        new CatalogEntry(
            "SegLoss.BalancedCrossEntropyAttribute",
            "balanced_ce",
            Array.Empty<CatalogParameter>(),
            Array.Empty<string>(),
            static _ => CatalogFormula.Of("w * -((1 - G/max(V, 1))*sumx(y*logp) + G/max(V, 1)*sumx((1 - y)*log(1 - p)))/max(V, 1)"),
            BatchStatisticsDefault: null,
            "Balanced cross-entropy as Jadon's survey defines it: beta = 1 - G/V, the background share of each sample, weighs the positives."),

        new CatalogEntry(
            "SegLoss.ExpLogAttribute",
            "exp_log",
            new[]
            {
                NonNegative("GammaDice", "gamma_dice", 0.3, "Exponent of -log Dice."),
                NonNegative("GammaCross", "gamma_cross", 0.3, "Exponent of -log pt."),
                NonNegative("DiceWeight", "lambda_dice", 0.8, "Weight of the Dice part."),
                NonNegative("CrossWeight", "lambda_cross", 0.2, "Weight of the cross-entropy part."),
                Smooth(1.0),
            },
            Array.Empty<string>(),
            static choice => choice.Activation == Activation.Sigmoid
                ? CatalogFormula.Rejected("[ExpLog] uses the softmax probability of the true class; declare it with Activation.Softmax")
                // Both logs are clamped at 1e-12 before the power, so a perfect class or pixel has a zero gradient rather than 0^-0.7.
                : CatalogFormula.Of("lambda_dice*meanc(max(-log((2*TP + smooth)/(P + G + smooth)), 1e-12)^gamma_dice) + lambda_cross*meanx(sumc(w*y)*max(-logpt, 1e-12)^gamma_cross)"),
            BatchStatisticsDefault: null,
            "Exponential logarithmic loss (Wong et al.) per the paper: per-class (-log Dice)^gamma averaged, plus weighted (-log pt)^gamma. " +
            "SegLossOdyssey ExpLog_loss takes the log of the mean Dice over batch and classes: a declaration."),
    };
}
