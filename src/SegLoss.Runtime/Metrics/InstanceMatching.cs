using System;
using System.Globalization;

namespace SegLoss.Runtime.Metrics;

/// <summary>
/// When a predicted instance counts as finding a target instance (see <see cref="InstanceScores"/> for the metrics).
/// </summary>
/// <remarks>
/// <para><see cref="AnyOverlap"/> (the default): a target instance is detected when at least one predicted voxel lies
/// in it, and a predicted instance is correct when at least one of its voxels lies in a target instance; one prediction
/// may detect several targets and several predictions may hit one target. This is the lesion-detection definition of
/// the MICCAI 2017 WMH segmentation challenge's evaluation code (Kuijf et al., IEEE TMI 2019), the common lesion-wise
/// sensitivity/F1 of lesion-segmentation papers; the blob loss repository (Kofler et al.) publishes no metric code of
/// its own.</para>
/// <para><see cref="IoU"/>: one-to-one matching. Pairs whose intersection over union reaches the threshold are taken
/// greedily by decreasing IoU (ties: lower target label, then lower predicted label); each instance is matched at most
/// once. Above 0.5 every instance has at most one candidate, so the greedy matching is the unique one (panoptic-quality
/// style).</para>
/// </remarks>
public readonly struct InstanceMatching : IEquatable<InstanceMatching>
{
    private InstanceMatching(double threshold) => Threshold = threshold;

    /// <summary>Any shared voxel detects (the default value).</summary>
    public static InstanceMatching AnyOverlap => default;

    /// <summary>The IoU a matched pair must reach, in (0, 1]; 0 for <see cref="AnyOverlap"/>.</summary>
    public double Threshold { get; }

    /// <summary>Whether this is <see cref="AnyOverlap"/>.</summary>
    public bool IsAnyOverlap => Threshold == 0;

    /// <summary>One-to-one matching of pairs with IoU ≥ <paramref name="threshold"/> (in (0, 1]).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The threshold is not in (0, 1].</exception>
    public static InstanceMatching IoU(double threshold) =>
        threshold > 0 && threshold <= 1
            ? new InstanceMatching(threshold)
            : throw new ArgumentOutOfRangeException(nameof(threshold), threshold, "an IoU threshold must be in (0, 1].");

    /// <inheritdoc />
    public bool Equals(InstanceMatching other) => Threshold.Equals(other.Threshold);

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is InstanceMatching other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => Threshold.GetHashCode();

    /// <summary>Equal criteria.</summary>
    public static bool operator ==(InstanceMatching left, InstanceMatching right) => left.Equals(right);

    /// <summary>Different criteria.</summary>
    public static bool operator !=(InstanceMatching left, InstanceMatching right) => !left.Equals(right);

    /// <summary>"any overlap" or "IoU >= t".</summary>
    public override string ToString() =>
        IsAnyOverlap ? "any overlap" : "IoU >= " + Threshold.ToString("R", CultureInfo.InvariantCulture);
}
