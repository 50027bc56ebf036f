using System;

namespace SegLoss;

/// <summary>
/// Lovász-Softmax loss (Berman et al.): per class, the Lovász extension of the Jaccard loss of the errors |y - p|,
/// averaged over the classes present in the target (<see cref="LovaszClasses.Present"/>, smp's default) or over all
/// classes. Over the whole batch by default (smp <c>per_image=False</c>); set BatchStatistics = false for per image.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LovaszSoftmaxAttribute : LossTermAttribute
{
    /// <summary>Which classes count. Fixed at compile time.</summary>
    public LovaszClasses Classes { get; set; }
}

/// <summary>
/// Lovász hinge loss (Berman et al.) for binary or multi-label outputs: per channel, the Lovász extension of the hinge
/// errors <c>max(1 - z·(2y - 1), 0)</c> of the raw logits z, averaged over channels. Over the whole batch by default.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LovaszHingeAttribute : LossTermAttribute
{
}

/// <summary>
/// Soft clDice (Shit et al., 2021): topological precision and sensitivity from soft skeletons,
/// <c>1 - 2·Tprec·Tsens/(Tprec + Tsens)</c> with <c>Tprec = (Σ skel(p)·y + s)/(Σ skel(p) + s)</c> and
/// <c>Tsens = (Σ skel(y)·p + s)/(Σ skel(y) + s)</c>, summed over the term's classes (and the batch, by default), as
/// MONAI's SoftclDiceLoss. The soft skeleton of the target needs its full map, built by a scatter for class indices.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ClDiceAttribute : LossTermAttribute
{
    /// <summary>Skeletonization iterations; default 3.</summary>
    public double Iterations { get; set; } = 3;

    /// <summary>Smoothing; default 1.</summary>
    public double Smooth { get; set; } = 1.0;
}
