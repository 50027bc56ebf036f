using System;
using System.Collections.Generic;
using static SegLoss.Generator.Catalog.Parameters;

namespace SegLoss.Generator.Catalog;

/// <summary>Terms over distance maps (exact EDT in the runtime; constants for autograd).</summary>
internal static class DistanceTerms
{
    private const string HausdorffDT = "meanx((p - y)^2 * (pdist^alpha + dist^alpha))";

    /// <summary>The shape-aware loss's E: the mean distance from the predicted contour to the target's.</summary>
    private const string ContourError = "sumx(contour(p)*abs(sdist))/max(sumx(contour(p)), 1)";

    public static readonly IReadOnlyList<CatalogEntry> Entries = new[]
    {
        new CatalogEntry(
            "SegLoss.BoundaryAttribute",
            "boundary",
            Array.Empty<CatalogParameter>(),
            Array.Empty<string>(),
            static _ => CatalogFormula.Of("w * meanx(p * sdist)"),
            BatchStatisticsDefault: null,
            "Boundary loss (Kervadec et al.) with the signed map of one_hot2dist (zero for an absent class). SegLossOdyssey BDLoss " +
            "is this without the background (it rounds to float32). Kervadec's schedule is LossWeightSchedule.Rebalancing."),

        new CatalogEntry(
            "SegLoss.HausdorffDTAttribute",
            "hausdorff_dt",
            new[] { NonNegative("Alpha", "alpha", 2.0, "Exponent of the distances.") },
            new[] { "Log" },
            static choice => CatalogFormula.Of(choice.Has("Log")
                ? $"log(meanb(meanc(w * {HausdorffDT})) + 1)"
                : $"w * {HausdorffDT}"),
            BatchStatisticsDefault: null,
            "Hausdorff distance-transform loss (Karimi and Salcudean) as MONAI HausdorffDTLoss (fields zero for empty and full masks; " +
            "DistanceField = SegLossOdyssey for its convention); Log is MONAI LogHausdorffDTLoss."),

        new CatalogEntry(
            "SegLoss.HausdorffErosionAttribute",
            "hausdorff_erosion",
            new[]
            {
                NonNegative("Erosions", "erosions", 10, "Number of soft erosions K."),
                NonNegative("Alpha", "alpha", 2.0, "Exponent of the erosion count k."),
            },
            Array.Empty<string>(),
            static _ => CatalogFormula.Of("w * meanx(herode((p - y)^2, erosions, alpha))"),
            BatchStatisticsDefault: null,
            "Hausdorff erosion loss (Karimi and Salcudean), made differentiable by soft erosion: sum over k of k^alpha times the k-th " +
            "erosion of (p - y)^2 (cross kernel, mean minus 0.5, clamped at 0, rescaled to [0, 1]), averaged over pixels: the " +
            "HausdorffERLoss of the common PyTorch port with a gradient (the port erodes in NumPy and passes none)."),

        new CatalogEntry(
            "SegLoss.DistancePenalizedCrossEntropyAttribute",
            "dpce",
            Array.Empty<CatalogParameter>(),
            Array.Empty<string>(),
            static choice => choice.Activation == Model.Activation.Sigmoid
                ? CatalogFormula.Rejected("[DistancePenalizedCrossEntropy] is a softmax cross-entropy; declare it with Activation.Softmax")
                : CatalogFormula.Of("meanx(-sumc(w * (1 + penalty) * y * logp))"),
            BatchStatisticsDefault: true,
            "Distance-penalized cross-entropy (Caliva et al.) with SegLossOdyssey's penalty map + 1 as pixel weight. SegLossOdyssey " +
            "DisPenalizedCE discards its weights (plain cross-entropy): a declaration."),

        new CatalogEntry(
            "SegLoss.ShapeAwareAttribute",
            "shape_aware",
            Array.Empty<CatalogParameter>(),
            Array.Empty<string>(),
            static choice => CatalogFormula.Of(choice.Activation == Model.Activation.Sigmoid
                ? $"w * (1 + {ContourError}) * meanx(-(y*logp + (1 - y)*log(1 - p)))"
                : $"-sumc(w * (1 + {ContourError}) * meanx(y*logp))"),
            BatchStatisticsDefault: null,
            "Shape-aware loss (Al Arif et al.; no library implements it) without a learned shape model: the cross-entropy weighted " +
            "per image and class by 1 + E, E the average distance from the predicted contour's points (the inner boundary layer " +
            "of p > 0.5, contour(p)) to the target's contour (|sdist|, Kervadec's map: 0 on the target's inner boundary layer); " +
            "E is a constant for the gradient and 0 without a predicted contour or for a class absent from the target. The paper's " +
            "text was not available to us: it uses E as the cross-entropy's coefficient, read here as 1 + E so that a perfect " +
            "contour leaves the cross-entropy rather than 0. Softmax: -y log p summed over classes; sigmoid: binary cross-entropy " +
            "per channel; both averaged over pixels, per image unless BatchStatistics pools E and the cross-entropy over the batch."),

        new CatalogEntry(
            "SegLoss.DistanceWeightedDiceAttribute",
            "distance_dice",
            new[] { Smooth(1e-5) },
            Array.Empty<string>(),
            static _ => CatalogFormula.Of("w * (1 - (2*sumx(p*y*(1 + penalty)) + smooth)/(P + G + smooth))"),
            BatchStatisticsDefault: null,
            "Distance-weighted Dice: the intersection weighted by 1 + penalty (SegLossOdyssey DistBinaryDiceLoss returns the negative score)."),
    };
}
