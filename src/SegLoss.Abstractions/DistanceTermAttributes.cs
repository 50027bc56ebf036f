using System;

namespace SegLoss;

/// <summary>
/// Boundary loss (Kervadec et al.): per class <c>w · meanx(p · sdist)</c> with <c>sdist</c> the signed distance map of
/// the target class (negative inside, positive outside), usually without the background and next to a region term.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class BoundaryAttribute : LossTermAttribute
{
}

/// <summary>
/// Hausdorff distance-transform loss (Karimi and Salcudean): per class
/// <c>w · meanx((p - y)² · (pdist^α + dist^α))</c>, the distance fields of the thresholded prediction and of the target;
/// with <see cref="Log"/>, <c>log(1 + loss)</c> of the mean (MONAI's LogHausdorffDTLoss).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class HausdorffDTAttribute : LossTermAttribute
{
    /// <summary>The exponent α of the distances; default 2.</summary>
    public double Alpha { get; set; } = 2.0;

    /// <summary>Take the log of one plus the mean loss. Fixed at compile time.</summary>
    public bool Log { get; set; }
}

/// <summary>
/// Hausdorff erosion loss (Karimi and Salcudean), differentiable: the squared error (p - y)² eroded K times by a soft
/// cross-shaped erosion (mean over the cross, minus 0.5, clamped at 0, rescaled to [0, 1]), each erosion k weighted by k^α, averaged over
/// the pixels, per class.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class HausdorffErosionAttribute : LossTermAttribute
{
    /// <summary>The number of erosions K; default 10.</summary>
    public double Erosions { get; set; } = 10;

    /// <summary>The exponent α of k; default 2.</summary>
    public double Alpha { get; set; } = 2.0;
}

/// <summary>
/// Distance-penalized cross-entropy (Caliva et al.): the cross-entropy of each pixel weighted by <c>1 + penalty</c>, a
/// map that grows towards the target's boundary (SegLossOdyssey's compute_edts_forPenalizedLoss), mean over the batch.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DistancePenalizedCrossEntropyAttribute : LossTermAttribute
{
}

/// <summary>
/// Shape-aware loss (Al Arif et al., 2017, "Shape-aware deep convolutional neural network for vertebrae segmentation"),
/// without a learned shape model: the cross-entropy of each class weighted by <c>1 + E</c>, with E the average distance
/// from the points of the predicted contour (the inner boundary layer of <c>p &gt; 0.5</c>) to the target's contour,
/// <c>E = Σ contour(p)·|sdist| / max(Σ contour(p), 1)</c> per image and class (<c>|sdist|</c>: the distance to the
/// target's inner boundary layer, Kervadec's map). E is a constant for the gradient (the contour of a thresholded
/// prediction has none); 0 when nothing is predicted or the class is absent from the target. With a softmax the
/// cross-entropy is <c>−y·log p</c> summed over the classes, with a sigmoid the binary cross-entropy per channel;
/// both averaged over the pixels. The paper's text was not available to us: it weights the cross-entropy by the
/// average point-to-curve distance E of each image, which is read here as the factor 1 + E (a perfect contour leaves
/// the plain cross-entropy, not 0). docs/catalog.md gives the formula.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ShapeAwareAttribute : LossTermAttribute
{
}

/// <summary>
/// Distance-weighted Dice: per class <c>w · (1 - (2·Σ p·y·(1 + penalty) + s)/(P + G + s))</c>, the intersection weighted
/// towards the boundary (SegLossOdyssey's DistBinaryDiceLoss, which returns the negative score).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DistanceWeightedDiceAttribute : LossTermAttribute
{
    /// <summary>Smoothing; default 1e-5.</summary>
    public double Smooth { get; set; } = 1e-5;
}
