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
/// Distance-weighted Dice: per class <c>w · (1 - (2·Σ p·y·(1 + penalty) + s)/(P + G + s))</c>, the intersection weighted
/// towards the boundary (SegLossOdyssey's DistBinaryDiceLoss, which returns the negative score).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DistanceWeightedDiceAttribute : LossTermAttribute
{
    /// <summary>Smoothing; default 1e-5.</summary>
    public double Smooth { get; set; } = 1e-5;
}
