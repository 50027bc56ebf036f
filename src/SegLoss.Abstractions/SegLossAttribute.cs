using System;

namespace SegLoss;

/// <summary>
/// Declares a segmentation loss. Put it on a <c>partial</c> class together with one or more term attributes
/// (<see cref="DiceAttribute"/>, <see cref="CrossEntropyAttribute"/>, <see cref="FocalAttribute"/>,
/// <see cref="TermAttribute"/>); the SegLoss generator emits a fused TorchSharp loss module for it.
/// Every option here is also a constructor argument of the generated class (snake_case), whose default is the
/// value written here.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class SegLossAttribute : Attribute
{
    /// <summary>Creates the declaration with the activation applied to the network output.</summary>
    public SegLossAttribute(Activation activation = Activation.Softmax) => Activation = activation;

    /// <summary>The map from raw input to probabilities, applied once and shared by every term.</summary>
    public Activation Activation { get; }

    /// <summary>
    /// Whether channel 0 takes part in per-class terms (the class mean of region terms and statistic-level
    /// <c>sumc</c>/<c>meanc</c>). Dropped after the activation, never before. Default <c>true</c>.
    /// </summary>
    public bool IncludeBackground { get; set; } = true;

    /// <summary>
    /// Sum statistics over the whole batch ("batch Dice", as nnU-Net does in 3D) instead of per sample.
    /// Default <c>false</c> (per sample, as MONAI).
    /// </summary>
    public bool BatchStatistics { get; set; }

    /// <summary>
    /// A class-index target value whose pixels count in no sum, no mean denominator and get zero gradient.
    /// Leave unset for none.
    /// </summary>
    public int IgnoreIndex { get; set; }

    /// <summary>How per-sample losses become the result. Default <see cref="SegLoss.Reduction.Mean"/>.</summary>
    public Reduction Reduction { get; set; } = Reduction.Mean;

    /// <summary>
    /// One weight per channel, the quantity <c>w</c> of every term. Terms that exclude the background ignore
    /// entry 0. Unset: all ones.
    /// </summary>
    public double[]? ClassWeights { get; set; }

    /// <summary>
    /// The voxel spacing per spatial axis for distance maps (<c>sdist dist pdist penalty</c>); unset: 1 along every axis.
    /// </summary>
    public double[]? Spacing { get; set; }

    /// <summary>The convention of the unsigned distance fields <c>dist</c> and <c>pdist</c>.</summary>
    public DistanceField DistanceField { get; set; }

    /// <summary>
    /// How the gradient is computed. Default <see cref="BackwardMode.ClosedForm"/> where the declaration allows it
    /// (the generated code says when it does not, and why); <see cref="BackwardMode.Autograd"/> forces TorchSharp autograd.
    /// </summary>
    public BackwardMode Backward { get; set; }
}

/// <summary>How a generated loss computes its gradient.</summary>
public enum BackwardMode
{
    /// <summary>
    /// The statistics form one autograd node whose backward is derived symbolically at compile time (nothing full-size
    /// is kept between forward and backward but the input and the target); declarations the derivation does not
    /// cover (spatial operators, blob loss, thresholded predictions) use autograd.
    /// </summary>
    ClosedForm = 0,

    /// <summary>TorchSharp autograd through the fused forward (the reference the closed form is tested against).</summary>
    Autograd = 1,
}

/// <summary>The unsigned distance field edt(m) + edt(~m) of the Hausdorff losses, as each reference defines its edge cases.</summary>
public enum DistanceField
{
    /// <summary>MONAI's HausdorffDTLoss: zero for a mask without foreground and for a mask without background.</summary>
    Monai = 0,

    /// <summary>
    /// SegLossOdyssey's HDDTBinaryLoss: zero for a mask without foreground; for a mask without background, the value
    /// scipy gives the (1, *spatial) array it is called on, sqrt(1 + Σ i_k²).
    /// </summary>
    SegLossOdyssey = 1,
}
