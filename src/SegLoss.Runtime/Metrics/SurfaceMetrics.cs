using System;
using SegLoss.Runtime.Distance;
using static TorchSharp.torch;

namespace SegLoss.Runtime.Metrics;

/// <summary>
/// Hausdorff distance, HD95 and average symmetric surface distance of binary masks held in tensors, per volume
/// (definitions and empty-mask results in <see cref="SurfaceDistances"/>).
/// </summary>
public static class SurfaceMetrics
{
    /// <summary>
    /// The (percentile) Hausdorff distance of every volume: for <c>[N, C, *spatial]</c> masks with
    /// <paramref name="spatialDims"/> the spatial rank, a <c>[N, C]</c> float64 tensor on the CPU.
    /// </summary>
    /// <param name="prediction">Predicted masks, any dtype and device; nonzero is foreground.</param>
    /// <param name="reference">Reference masks of the same shape.</param>
    /// <param name="spatialDims">How many trailing axes are spatial (at least 1).</param>
    /// <param name="spacing">One voxel size per spatial axis, or empty for unit spacing.</param>
    /// <param name="percentile">Null for the maximum (HD), 95 for HD95, else a value in [0, 100].</param>
    /// <param name="directed">Whether to measure from the prediction to the reference only.</param>
    public static Tensor Hausdorff(Tensor prediction, Tensor reference, int spatialDims, ReadOnlySpan<double> spacing = default, double? percentile = null, bool directed = false)
    {
        if (percentile is { } p && !(p >= 0 && p <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "percentile must be between 0 and 100.");
        }

        return PerVolume(prediction, reference, spatialDims, spacing, d => d.Hausdorff(percentile, directed));
    }

    /// <summary>HD95 of every volume: <see cref="Hausdorff"/> with percentile 95.</summary>
    /// <inheritdoc cref="Hausdorff"/>
    public static Tensor Hausdorff95(Tensor prediction, Tensor reference, int spatialDims, ReadOnlySpan<double> spacing = default) =>
        Hausdorff(prediction, reference, spatialDims, spacing, percentile: 95);

    /// <summary>The average symmetric surface distance of every volume (MONAI's pooled mean).</summary>
    /// <inheritdoc cref="Hausdorff"/>
    public static Tensor AverageSymmetricSurfaceDistance(Tensor prediction, Tensor reference, int spatialDims, ReadOnlySpan<double> spacing = default) =>
        PerVolume(prediction, reference, spatialDims, spacing, d => d.AverageSymmetricSurfaceDistance());

    /// <summary>The surface distances of every volume, in raster order of the batch axes.</summary>
    /// <inheritdoc cref="Hausdorff"/>
    public static SurfaceDistances[] Distances(Tensor prediction, Tensor reference, int spatialDims, ReadOnlySpan<double> spacing = default)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(reference);
        if (!prediction.shape.AsSpan().SequenceEqual(reference.shape))
        {
            throw new ArgumentException(
                $"reference has shape {TensorShapes.Format(reference)} but prediction has {TensorShapes.Format(prediction)}.",
                nameof(reference));
        }

        var layout = GridLayout.Create(prediction.shape, spatialDims, spacing, nameof(prediction), nameof(spacing));
        var volume = GridLayout.Create(layout.Dims.AsSpan(), layout.Dims.Length, layout.Spacing);
        using var scope = NewDisposeScope();
        var predictionBytes = TensorMasks.Bytes(TensorMasks.ToByteMask(prediction));
        var referenceBytes = TensorMasks.Bytes(TensorMasks.ToByteMask(reference));
        var size = layout.VolumeSize;
        var result = new SurfaceDistances[layout.Volumes];
        for (var v = 0; v < result.Length; v++)
        {
            var range = new Range(v * size, (v + 1) * size);
            result[v] = SurfaceDistances.Compute(
                size == 0 ? default : predictionBytes[range],
                size == 0 ? default : referenceBytes[range],
                volume,
                EdtOptions.Default);
        }

        return result;
    }

    private static Tensor PerVolume(Tensor prediction, Tensor reference, int spatialDims, ReadOnlySpan<double> spacing, Func<SurfaceDistances, double> metric)
    {
        var distances = Distances(prediction, reference, spatialDims, spacing);
        var values = new double[distances.Length];
        for (var v = 0; v < values.Length; v++)
        {
            values[v] = metric(distances[v]);
        }

        return tensor(values, prediction.shape[..^spatialDims], ScalarType.Float64);
    }
}
