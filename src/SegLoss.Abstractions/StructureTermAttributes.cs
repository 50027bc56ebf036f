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

/// <summary>
/// Correlation-maximized structural similarity loss (Zhao et al., 2019, arXiv 1910.08711), implemented from its equations
/// as Jadon's loss survey quotes them (the paper's method section was not available to us; check the choices below):
/// per pixel and class the e coefficient
/// <c>e = |(y − μy + C4)/(σy + C4) − (p − μp + C4)/(σp + C4)|</c> compares the target and the prediction normalized by
/// their local mean μ and standard deviation σ over a <see cref="Window"/>-wide box (clipped to the image); the pairs with
/// <c>e &gt; β·e_max</c> (e_max: the largest e of the sample) are selected (f = 1), and the loss is
/// <c>Σ f·e·CE / M</c> with <c>CE = −y·log p</c> (binary cross-entropy per channel with a sigmoid) and <c>M = Σ f</c>,
/// over the whole batch by default (the paper's mini-batch definition). 0 when nothing is selected. The paper trains
/// with this plus cross-entropy: stack <c>[CrossEntropy]</c>. Every definition choice is in docs/catalog.md.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class StructuralSimilarityAttribute : LossTermAttribute
{
    /// <summary>Selection threshold β in [0, 1]: pixels with e &gt; β·e_max count; default 0.1.</summary>
    public double Beta { get; set; } = 0.1;

    /// <summary>Stability constant C4 &gt; 0 of the e coefficient; default 0.01 (the paper's value).</summary>
    public double C4 { get; set; } = 0.01;

    /// <summary>Width in pixels (odd) of the window of the local mean and deviation along every spatial axis; default 3.</summary>
    public double Window { get; set; } = 3;
}
