using System;
using System.Collections.Generic;
using static SegLoss.Generator.Catalog.Parameters;

namespace SegLoss.Generator.Catalog;

/// <summary>
/// Overlap terms over the per-class soft counts. Per-class terms carry the class weight <c>w</c> and are averaged over
/// the term's classes, then over the samples (or computed once with batch statistics).
/// </summary>
internal static class RegionTerms
{
    /// <summary>The Tversky index, shared by Tversky and focal Tversky.</summary>
    private const string TverskyIndex = "(TP + smooth)/(TP + alpha*FP + beta*FN + smooth)";

    public static readonly IReadOnlyList<CatalogEntry> Entries = new[]
    {
        new CatalogEntry(
            "SegLoss.DiceAttribute",
            "dice",
            new[] { SmoothNumerator(), SmoothDenominator() },
            new[] { "Squared" },
            static choice => CatalogFormula.Of(choice.Has("Squared")
                ? "w * (1 - (2*TP + smooth_nr) / (P2 + G2 + smooth_dr))"
                : "w * (1 - (2*TP + smooth_nr) / (P + G + smooth_dr))"),
            BatchStatisticsDefault: null,
            "Soft Dice (Milletari et al.). Matches MONAI DiceLoss (smooth_nr = smooth_dr = 1e-5; the weight multiplies the per-class loss; " +
            "squared_pred is Squared). SegLossOdyssey / nnU-Net return -dice with one smoothing constant, smp smooths (I + s)/((P + G)/2 + s), " +
            "clamps with eps and zeroes classes absent from the batch: declarations."),

        new CatalogEntry(
            "SegLoss.IoUAttribute",
            "iou",
            new[] { SmoothNumerator(), SmoothDenominator() },
            Array.Empty<string>(),
            static _ => CatalogFormula.Of("w * (1 - (TP + smooth_nr) / (P + G - TP + smooth_dr))"),
            BatchStatisticsDefault: null,
            "Jaccard (IoU) loss. smp JaccardLoss is (I + s)/max(P + G - I + s, eps) over the batch; MONAI DiceLoss(jaccard=True) doubles " +
            "numerator and denominator, (2I + nr)/(2(P + G - I) + dr); SegLossOdyssey IoULoss returns -IoU: declarations."),

        new CatalogEntry(
            "SegLoss.TverskyAttribute",
            "tversky",
            new[]
            {
                Fraction("Alpha", "alpha", 0.5, "Weight of false positives."),
                Fraction("Beta", "beta", 0.5, "Weight of false negatives."),
                SmoothNumerator(),
                SmoothDenominator(),
            },
            Array.Empty<string>(),
            static _ => CatalogFormula.Of("w * (1 - (TP + smooth_nr) / (TP + alpha*FP + beta*FN + smooth_dr))"),
            BatchStatisticsDefault: null,
            "Tversky loss (Salehi et al.): alpha weighs FP, beta FN, as MONAI and smp name them. Matches MONAI TverskyLoss; " +
            "SegLossOdyssey (alpha 0.3, beta 0.7 fixed, -TI) and smp (eps clamp, absent classes zeroed) are declarations."),

        new CatalogEntry(
            "SegLoss.FocalTverskyAttribute",
            "focal_tversky",
            new[]
            {
                Fraction("Alpha", "alpha", 0.3, "Weight of false positives."),
                Fraction("Beta", "beta", 0.7, "Weight of false negatives."),
                NonNegative("Gamma", "gamma", 0.75, "The exponent of 1 - TI."),
                Smooth(1e-5),
            },
            new[] { "Exponent" },
            // 1 - TI is clamped at 1e-12 so that a perfect class (TI = 1) has a zero, not an infinite, gradient.
            static choice => CatalogFormula.Of(choice.Option("Exponent") == 0
                ? $"w * max(1 - {TverskyIndex}, 1e-12)^gamma"
                : $"max(meanb(meanc(w * (1 - {TverskyIndex}))), 1e-12)^gamma"),
            BatchStatisticsDefault: null,
            "Focal Tversky loss (Abraham and Khan). PerClass raises each class's 1 - TI to gamma (the paper); AfterMean raises the mean " +
            "over samples and classes, which is what SegLossOdyssey FocalTversky_loss and smp TverskyLoss(gamma) compute."),

        new CatalogEntry(
            "SegLoss.GeneralizedDiceAttribute",
            "generalized_dice",
            new[] { SmoothNumerator(), SmoothDenominator() },
            new[] { "Weighting", "EmptyClass" },
            static choice => CatalogFormula.Of(GeneralizedDice(choice.Option("Weighting"), choice.Option("EmptyClass"), "smooth_nr", "smooth_dr")),
            BatchStatisticsDefault: null,
            "Generalized Dice (Sudre et al.) with class weights from the target volume: 1/G^2, 1/G or 1. An absent class takes the largest " +
            "weight of the present classes (MONAI) or 0. Matches MONAI GeneralizedDiceLoss (which rounds its weights to float32); " +
            "SegLossOdyssey's GDiceLoss (1/(G + 1e-10)^2, absent class weight 1e20, negative) and GDiceLossV2 are declarations."),

        new CatalogEntry(
            "SegLoss.PenaltyGeneralizedDiceAttribute",
            "penalty_generalized_dice",
            new[] { NonNegative("K", "k", 2.5, "The penalty on false positives and negatives."), Smooth(1e-5) },
            Array.Empty<string>(),
            static _ => CatalogFormula.Of($"({GeneralizedDice(0, 0, "smooth", "smooth")}) / (1 + k*(1 - ({GeneralizedDice(0, 0, "smooth", "smooth")})))"),
            BatchStatisticsDefault: null,
            "Penalty generalized Dice (Yang et al.): L/(1 + k(1 - L)) with L the generalized Dice loss (square weights). " +
            "SegLossOdyssey's PenaltyGDiceLoss applies it to its negative GDSC averaged over the batch: a declaration."),

        new CatalogEntry(
            "SegLoss.SensitivitySpecificityAttribute",
            "sensitivity_specificity",
            new[] { Fraction("R", "r", 0.1, "Weight of the foreground (sensitivity) part."), Smooth(1e-5) },
            Array.Empty<string>(),
            static _ => CatalogFormula.Of("w * (r*sumx((y - p)^2*y)/(G + smooth) + (1 - r)*sumx((y - p)^2*(1 - y))/(V - G + smooth))"),
            BatchStatisticsDefault: null,
            "Sensitivity-specificity loss (Brosch et al.), as SegLossOdyssey SSLoss computes it (r = 0.1 there, smooth 1)."),

        new CatalogEntry(
            "SegLoss.AsymmetricSimilarityAttribute",
            "asymmetric_similarity",
            new[] { NonNegative("Beta", "beta", 1.5, "F-beta's beta: above 1 weighs false negatives more."), Smooth(1e-5) },
            Array.Empty<string>(),
            static _ => CatalogFormula.Of("w * (1 - (TP + smooth)/(TP + beta^2/(1 + beta^2)*FN + 1/(1 + beta^2)*FP + smooth))"),
            BatchStatisticsDefault: null,
            "Asymmetric similarity loss (Hashemi et al.), the F-beta score. SegLossOdyssey AsymLoss returns its negative (beta = 1.5, smooth 1)."),

        new CatalogEntry(
            "SegLoss.LogCoshDiceAttribute",
            "log_cosh_dice",
            new[] { Smooth(1.0) },
            Array.Empty<string>(),
            static _ => CatalogFormula.Of("w * log(cosh(1 - (2*TP + smooth)/(P + G + smooth)))"),
            BatchStatisticsDefault: null,
            "Log-cosh Dice (Jadon), per class. Jadon's implementation takes one Dice over all channels and the batch flattened: a declaration."),

        new CatalogEntry(
            "SegLoss.MatthewsCorrelationAttribute",
            "mcc",
            new[] { NonNegative("Eps", "eps", 1e-5, "Added to each soft count (keeps the square root positive).") },
            Array.Empty<string>(),
            static _ => CatalogFormula.Of(
                "w * (1 - ((TP + eps)*(TN + eps) - (FP + eps)*(FN + eps)) / sqrt((TP + FP + 2*eps)*(TP + FN + 2*eps)*(TN + FP + 2*eps)*(TN + FN + 2*eps)))"),
            BatchStatisticsDefault: null,
            "Matthews correlation loss per class, counts smoothed by eps as smp MCCLoss (which sums every channel of the batch: a declaration)."),

        new CatalogEntry(
            "SegLoss.ComboAttribute",
            "combo",
            new[]
            {
                Fraction("Alpha", "alpha", 0.5, "Weight of the cross-entropy part."),
                Fraction("Beta", "beta", 0.5, "Weight of positives in the cross-entropy."),
                Smooth(1.0),
            },
            Array.Empty<string>(),
            static _ => CatalogFormula.Of("w * (alpha*meanx(-(beta*y*logp + (1 - beta)*(1 - y)*log(1 - p))) - (1 - alpha)*(2*TP + smooth)/(P + G + smooth))"),
            BatchStatisticsDefault: null,
            "Combo loss (Taghanaki et al.): a weighted binary cross-entropy minus the Dice score, per class."),
    };

    /// <summary>The generalized Dice loss for a weighting (Square, Simple, Uniform) and an empty-class rule (MaxOfPresent, Zero).</summary>
    private static string GeneralizedDice(int weighting, int emptyClass, string numerator, string denominator)
    {
        if (weighting == 2)
        {
            return $"1 - (2*sumc(TP) + {numerator})/(sumc(P + G) + {denominator})";
        }

        // (G > 0)/max(G, tiny)^k is 1/G^k for a present class and 0, never infinite, for an absent one.
        var present = weighting == 0 ? "(G > 0)/max(G, 1e-12)^2" : "(G > 0)/max(G, 1e-12)";
        var g = emptyClass == 0 ? $"({present} + (G <= 0)*maxc({present}))" : $"({present})";
        return $"1 - (2*sumc({g}*TP) + {numerator})/(sumc({g}*(P + G)) + {denominator})";
    }
}
