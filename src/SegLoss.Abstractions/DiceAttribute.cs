using System;

namespace SegLoss;

/// <summary>
/// Soft Dice loss, per class: <c>w * (1 - (2*TP + smooth_nr) / (P + G + smooth_dr))</c>, averaged over the classes
/// (background excluded when <see cref="SegLossAttribute.IncludeBackground"/> is false) and the batch.
/// With <see cref="Squared"/> the denominator is <c>P2 + G2</c> (Milletari's V-Net form, MONAI <c>squared_pred</c>).
/// Defaults match MONAI's <c>DiceLoss</c>; soft labels use the same formula (the L1 form of the intersection).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class DiceAttribute : LossTermAttribute
{
    /// <summary>Numerator smoothing <c>smooth_nr</c>; default 1e-5 (MONAI).</summary>
    public double SmoothNumerator { get; set; } = 1e-5;

    /// <summary>Denominator smoothing <c>smooth_dr</c>; default 1e-5 (MONAI). An empty class gives loss 0.</summary>
    public double SmoothDenominator { get; set; } = 1e-5;

    /// <summary>Square the probabilities and targets in the denominator. Fixed at compile time.</summary>
    public bool Squared { get; set; }
}
