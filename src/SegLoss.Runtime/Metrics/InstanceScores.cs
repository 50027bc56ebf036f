using System;
using System.Collections.Generic;
using System.Globalization;

namespace SegLoss.Runtime.Metrics;

/// <summary>
/// Instance-level detection counts of one sample (or pooled over several) and the metrics made of them.
/// </summary>
/// <remarks>
/// <para>Sensitivity (recall) = detected targets / target instances; precision = correct predictions / predicted
/// instances; F1 = 2·P·R / (P + R). Under <see cref="InstanceMatching.AnyOverlap"/> the two numerators can differ (a
/// prediction merging two targets detects both); under an IoU matching both are the number of matched pairs, and
/// F1 = 2·TP / (targets + predictions).</para>
/// <para>Empty cases, as in the WMH challenge: no target instance gives sensitivity 1 (nothing was missed), no
/// predicted instance gives precision 1 (nothing is false), and F1 is 0 when both are 0. So an empty prediction of an
/// empty target scores 1 everywhere; predictions without any target score F1 0 (precision 0); targets without any
/// prediction score F1 0 (sensitivity 0).</para>
/// </remarks>
/// <param name="TargetInstances">Instances in the target.</param>
/// <param name="PredictedInstances">Instances in the prediction.</param>
/// <param name="DetectedTargets">Target instances found by the prediction (true positives on the target side).</param>
/// <param name="CorrectPredictions">Predicted instances that find a target (true positives on the prediction side).</param>
public sealed record InstanceScores(int TargetInstances, int PredictedInstances, int DetectedTargets, int CorrectPredictions)
{
    /// <summary>Target instances not found: false negatives.</summary>
    public int MissedTargets => TargetInstances - DetectedTargets;

    /// <summary>Predicted instances that find no target: false positives.</summary>
    public int FalsePredictions => PredictedInstances - CorrectPredictions;

    /// <summary>Detected targets / target instances; 1 without target instances.</summary>
    public double Sensitivity => TargetInstances == 0 ? 1.0 : (double)DetectedTargets / TargetInstances;

    /// <summary>Same as <see cref="Sensitivity"/>.</summary>
    public double Recall => Sensitivity;

    /// <summary>Correct predictions / predicted instances; 1 without predicted instances.</summary>
    public double Precision => PredictedInstances == 0 ? 1.0 : (double)CorrectPredictions / PredictedInstances;

    /// <summary>The harmonic mean of <see cref="Precision"/> and <see cref="Sensitivity"/>; 0 when both are 0.</summary>
    public double F1
    {
        get
        {
            var (precision, recall) = (Precision, Sensitivity);
            return precision + recall == 0 ? 0.0 : 2 * precision * recall / (precision + recall);
        }
    }

    /// <summary>
    /// Counts summed over samples (micro average: metrics of the pooled counts). The mean of per-sample metrics
    /// (macro average) is the caller's to take.
    /// </summary>
    public static InstanceScores Pool(IEnumerable<InstanceScores> scores)
    {
        ArgumentNullException.ThrowIfNull(scores);
        int targets = 0, predicted = 0, detected = 0, correct = 0;
        foreach (var s in scores)
        {
            targets += s.TargetInstances;
            predicted += s.PredictedInstances;
            detected += s.DetectedTargets;
            correct += s.CorrectPredictions;
        }

        return new InstanceScores(targets, predicted, detected, correct);
    }

    /// <summary>Counts and metrics on one line.</summary>
    public override string ToString() => string.Create(
        CultureInfo.InvariantCulture,
        $"targets={TargetInstances} predicted={PredictedInstances} detected={DetectedTargets} correct={CorrectPredictions} " +
        $"sensitivity={Sensitivity:0.####} precision={Precision:0.####} f1={F1:0.####}");
}
