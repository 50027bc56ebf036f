using System;

namespace SegLoss;

/// <summary>
/// Focal loss (Lin et al.). With a softmax activation: <c>-wt·(1-pt)^γ·logpt</c> averaged over the valid pixels
/// (γ = 0 is cross-entropy). With a sigmoid activation, one-vs-rest per class:
/// <c>w·meanx(-(y·α·(1-p)^γ·logp + (1-y)·(1-α)·p^γ·log(1-p)))</c>, averaged over the classes.
/// Pools over the whole batch like <c>torch</c>'s mean reduction.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class FocalAttribute : LossTermAttribute
{
    /// <summary>Focusing parameter γ ≥ 0; default 2.</summary>
    public double Gamma { get; set; } = 2.0;

    /// <summary>
    /// Sigmoid mode only: the weight α of positives (1-α for negatives), in [0, 1]. Unset: no balancing.
    /// Per-class balancing in softmax mode goes through class weights.
    /// </summary>
    public double Alpha { get; set; }
}
