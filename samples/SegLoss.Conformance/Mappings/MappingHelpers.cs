using System;
using System.Linq;

namespace SegLoss.Conformance.Mappings;

/// <summary>Parameter readings every mapping needs.</summary>
internal static class MappingHelpers
{
    /// <summary>The activation the file says maps its input to probabilities.</summary>
    public static string Activation(GoldenFile file) => file.String("activation") switch
    {
        "softmax" => "Softmax",
        "sigmoid" => "Sigmoid",
        _ => "None",
    };

    /// <summary>Rounds to float32, as references that hold a parameter in a float32 tensor do.</summary>
    public static double F32(double value) => (float)value;

    /// <summary>
    /// Class weights that turn <c>sumc(w * L)</c> into the weighted mean of the per-class losses L over the selected
    /// classes, normalised by the float32 sum of the float32 weights (smp), or a plain mean without weights.
    /// </summary>
    public static double[] NormalizedWeights(long channels, double[]? weights, int[]? classes)
    {
        var selected = classes ?? Enumerable.Range(0, (int)channels).ToArray();
        var result = new double[channels];
        if (weights is null)
        {
            foreach (var c in selected)
            {
                result[c] = 1.0 / selected.Length;
            }

            return result;
        }

        var sum = 0f;
        foreach (var c in selected)
        {
            sum += (float)weights[c];
        }

        foreach (var c in selected)
        {
            result[c] = (float)weights[c] / (double)sum;
        }

        return result;
    }

    public static Unsupported? RequireMeanReduction(GoldenFile file, string parameter = "reduction") =>
        file.String(parameter) is { } reduction && reduction != "mean"
            ? new Unsupported($"{parameter} '{reduction}' is not mapped (only 'mean')")
            : null;

    public static int[]? Ints(GoldenFile file, string parameter) => file.Doubles(parameter)?.Select(v => (int)v).ToArray();

    public static bool TargetIsIndices(GoldenFile file) =>
        string.Equals(file.String("target_format"), "indices", StringComparison.Ordinal);
}
