using System;

namespace SegLoss;

/// <summary>
/// Jaccard (IoU) loss per class: <c>w * (1 - (TP + smooth_nr) / (P + G - TP + smooth_dr))</c>, averaged over classes and
/// samples. MONAI's <c>DiceLoss(jaccard=True)</c> doubles numerator and denominator; smp clamps with eps; both are
/// declarations (see the conformance sample).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class IoUAttribute : LossTermAttribute
{
    /// <summary>Numerator smoothing; default 1e-5.</summary>
    public double SmoothNumerator { get; set; } = 1e-5;

    /// <summary>Denominator smoothing; default 1e-5.</summary>
    public double SmoothDenominator { get; set; } = 1e-5;
}

/// <summary>
/// Tversky loss per class: <c>w * (1 - (TP + smooth_nr) / (TP + alpha·FP + beta·FN + smooth_dr))</c>. Alpha weighs false
/// positives, Beta false negatives (MONAI and smp naming); 0.5/0.5 is Dice.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class TverskyAttribute : LossTermAttribute
{
    /// <summary>Weight of false positives; default 0.5.</summary>
    public double Alpha { get; set; } = 0.5;

    /// <summary>Weight of false negatives; default 0.5.</summary>
    public double Beta { get; set; } = 0.5;

    /// <summary>Numerator smoothing; default 1e-5.</summary>
    public double SmoothNumerator { get; set; } = 1e-5;

    /// <summary>Denominator smoothing; default 1e-5.</summary>
    public double SmoothDenominator { get; set; } = 1e-5;
}

/// <summary>
/// Focal Tversky loss: the Tversky loss <c>1 - TI</c> raised to γ, per class (<see cref="FocalTverskyExponent.PerClass"/>,
/// the paper) or after the mean (<see cref="FocalTverskyExponent.AfterMean"/>, SegLossOdyssey and smp).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class FocalTverskyAttribute : LossTermAttribute
{
    /// <summary>Weight of false positives; default 0.3.</summary>
    public double Alpha { get; set; } = 0.3;

    /// <summary>Weight of false negatives; default 0.7.</summary>
    public double Beta { get; set; } = 0.7;

    /// <summary>The exponent γ; default 0.75 (the paper's 1/γ with γ = 4/3).</summary>
    public double Gamma { get; set; } = 0.75;

    /// <summary>Where γ applies. Fixed at compile time.</summary>
    public FocalTverskyExponent Exponent { get; set; }

    /// <summary>Smoothing in numerator and denominator; default 1e-5.</summary>
    public double Smooth { get; set; } = 1e-5;
}

/// <summary>
/// Generalized Dice loss (Sudre et al.): <c>1 - (2·Σc g·TP + smooth_nr) / (Σc g·(P + G) + smooth_dr)</c> per sample, with
/// class weights g from the target volume (<see cref="GeneralizedDiceWeighting"/>) and a rule for absent classes
/// (<see cref="GeneralizedDiceEmptyClass"/>). Defaults match MONAI's GeneralizedDiceLoss.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class GeneralizedDiceAttribute : LossTermAttribute
{
    /// <summary>How g follows from G. Fixed at compile time.</summary>
    public GeneralizedDiceWeighting Weighting { get; set; }

    /// <summary>The weight of an absent class. Fixed at compile time.</summary>
    public GeneralizedDiceEmptyClass EmptyClass { get; set; }

    /// <summary>Numerator smoothing; default 1e-5.</summary>
    public double SmoothNumerator { get; set; } = 1e-5;

    /// <summary>Denominator smoothing; default 1e-5.</summary>
    public double SmoothDenominator { get; set; } = 1e-5;
}

/// <summary>
/// Penalty generalized Dice loss (Yang et al.): <c>L / (1 + k·(1 - L))</c> with L the generalized Dice loss of the sample,
/// which penalizes false positives and negatives more than Dice. SegLossOdyssey's sign is a declaration.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class PenaltyGeneralizedDiceAttribute : LossTermAttribute
{
    /// <summary>The penalty k; default 2.5.</summary>
    public double K { get; set; } = 2.5;

    /// <summary>Numerator and denominator smoothing; default 1e-5.</summary>
    public double Smooth { get; set; } = 1e-5;
}

/// <summary>
/// Sensitivity-specificity loss (Brosch et al.): per class
/// <c>r·Σ(y-p)²y / (G + smooth) + (1-r)·Σ(y-p)²(1-y) / (V - G + smooth)</c>, as SegLossOdyssey's SSLoss (r = 0.1).
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class SensitivitySpecificityAttribute : LossTermAttribute
{
    /// <summary>The weight r of the foreground part; default 0.1.</summary>
    public double R { get; set; } = 0.1;

    /// <summary>Denominator smoothing; default 1e-5.</summary>
    public double Smooth { get; set; } = 1e-5;
}

/// <summary>
/// Asymmetric similarity loss (Hashemi et al., the F-beta score): per class
/// <c>w * (1 - (TP + smooth) / (TP + β²/(1+β²)·FN + 1/(1+β²)·FP + smooth))</c>; β &gt; 1 weighs false negatives more.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class AsymmetricSimilarityAttribute : LossTermAttribute
{
    /// <summary>β; default 1.5 (the paper and SegLossOdyssey).</summary>
    public double Beta { get; set; } = 1.5;

    /// <summary>Smoothing; default 1e-5.</summary>
    public double Smooth { get; set; } = 1e-5;
}

/// <summary>Log-cosh Dice loss (Jadon): per class <c>log(cosh(1 - (2TP + smooth)/(P + G + smooth)))</c>.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LogCoshDiceAttribute : LossTermAttribute
{
    /// <summary>Smoothing; default 1 (Jadon's implementation).</summary>
    public double Smooth { get; set; } = 1.0;
}

/// <summary>
/// Matthews correlation coefficient loss: per class <c>1 - (tp·tn - fp·fn) / sqrt((tp+fp)(tp+fn)(tn+fp)(tn+fn))</c>
/// with eps added to each soft count, as smp's MCCLoss.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class MatthewsCorrelationAttribute : LossTermAttribute
{
    /// <summary>Added to each count; default 1e-5.</summary>
    public double Eps { get; set; } = 1e-5;
}

/// <summary>
/// Exponential logarithmic loss (Wong et al., 2018):
/// <c>dice_weight·meanc((-log Dice_c)^γd) + cross_weight·meanx(wt·(-log pt)^γc)</c>, Dice smoothed by <c>Smooth</c>.
/// SegLossOdyssey's variant (the log of the mean Dice) is a declaration.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ExpLogAttribute : LossTermAttribute
{
    /// <summary>γ of the Dice part; default 0.3.</summary>
    public double GammaDice { get; set; } = 0.3;

    /// <summary>γ of the cross-entropy part; default 0.3.</summary>
    public double GammaCross { get; set; } = 0.3;

    /// <summary>Weight of the Dice part; default 0.8.</summary>
    public double DiceWeight { get; set; } = 0.8;

    /// <summary>Weight of the cross-entropy part; default 0.2.</summary>
    public double CrossWeight { get; set; } = 0.2;

    /// <summary>Dice smoothing; default 1.</summary>
    public double Smooth { get; set; } = 1.0;
}

/// <summary>
/// Combo loss (Taghanaki et al.): per class
/// <c>alpha·meanx(-(beta·y·log p + (1-beta)(1-y)·log(1-p))) - (1-alpha)·(2TP + smooth)/(P + G + smooth)</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ComboAttribute : LossTermAttribute
{
    /// <summary>Weight of the cross-entropy part; default 0.5.</summary>
    public double Alpha { get; set; } = 0.5;

    /// <summary>Weight of positives in the cross-entropy (below 0.5 penalizes false positives more); default 0.5.</summary>
    public double Beta { get; set; } = 0.5;

    /// <summary>Dice smoothing; default 1.</summary>
    public double Smooth { get; set; } = 1.0;
}
