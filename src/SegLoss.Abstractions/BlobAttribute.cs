using System;

namespace SegLoss;

/// <summary>Which neighbours connect voxels into one instance.</summary>
public enum InstanceConnectivity
{
    /// <summary>Voxels sharing a face: 4-connectivity in 2D, 6 in 3D.</summary>
    Face = 1,

    /// <summary>Voxels sharing a face or an edge: 8-connectivity in 2D, 18 in 3D.</summary>
    Edge = 2,

    /// <summary>Voxels sharing a face, an edge or a corner: 8-connectivity in 2D, 26 in 3D.</summary>
    Full = 3,
}

/// <summary>How blob loss hides the other instances when it scores one.</summary>
public enum BlobMasking
{
    /// <summary>Their probabilities become 0: confident background (the blob_loss paper's intent).</summary>
    Probabilities = 0,

    /// <summary>
    /// Their logits become 0, so their probability is the activation of 0 (0.5 for a sigmoid): the convention of the
    /// blob_loss README, where the criterion applies the sigmoid after masking.
    /// </summary>
    Logits = 1,
}

/// <summary>
/// Blob loss (Kofler et al.): the declaration's loss X becomes <c>MainWeight·X + BlobWeight·blob(X)</c>, where blob(X)
/// scores every connected instance of the target on its own (the other instances masked out, the instance as the
/// target), averaged over the instances of a sample, then over the samples that have instances. Multi-class targets
/// are one-vs-rest per foreground class, instances averaged per class, then over classes. Instances are the connected
/// components of the target, or an instance map passed to <c>forward(input, target, instances)</c>. Applies to
/// per-class terms of per-class sums (Dice, IoU, Tversky, focal Tversky, sigmoid focal, BCE, per-class [Term]s).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class BlobAttribute : Attribute
{
    /// <summary>The weight of the loss on the whole target (blob_loss's alpha); default 2.</summary>
    public double MainWeight { get; set; } = 2.0;

    /// <summary>The weight of the instance-wise loss (blob_loss's beta); default 1.</summary>
    public double BlobWeight { get; set; } = 1.0;

    /// <summary>The connectivity of instances found in the target; default <see cref="InstanceConnectivity.Full"/>.</summary>
    public InstanceConnectivity Connectivity { get; set; } = InstanceConnectivity.Full;

    /// <summary>How other instances are masked; default <see cref="BlobMasking.Probabilities"/>.</summary>
    public BlobMasking Masking { get; set; }
}
