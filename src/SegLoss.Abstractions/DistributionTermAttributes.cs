using System;

namespace SegLoss;

/// <summary>
/// TopK cross-entropy (Wu et al.; nnU-Net): the mean of the largest <c>Percent</c>% per-pixel cross-entropies
/// <c>-wt·log pt</c>, over the whole batch by default (SegLossOdyssey's TopKLoss: k = floor(pixels · percent / 100)).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class TopKAttribute : LossTermAttribute
{
    /// <summary>The percent of pixels kept, in (0, 100]; default 10.</summary>
    public double Percent { get; set; } = 10.0;
}

/// <summary>
/// Binary cross-entropy per channel, from logits through log-sigmoid (stable at any magnitude):
/// <c>w * meanx(-(pos_weight·ys·log p + (1-ys)·log(1-p)))</c> with the smoothed target
/// <c>ys = y(1-s) + (1-y)s</c> (smp's SoftBCEWithLogitsLoss); averaged over channels and pixels.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class BinaryCrossEntropyAttribute : LossTermAttribute
{
    /// <summary>Label smoothing s in [0, 1]; default 0.</summary>
    public double LabelSmoothing { get; set; }

    /// <summary>Weight of the positive term (torch's pos_weight); default 1.</summary>
    public double PositiveWeight { get; set; } = 1.0;
}

/// <summary>
/// Balanced cross-entropy (as Jadon's survey defines it): per class
/// <c>-(β·Σ y·log p + (1-β)·Σ (1-y)·log(1-p)) / V</c> with β = 1 - G/V, the background share of the sample.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class BalancedCrossEntropyAttribute : LossTermAttribute
{
}
