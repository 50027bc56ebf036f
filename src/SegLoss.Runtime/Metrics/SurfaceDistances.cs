using System;
using System.Buffers;
using System.Linq;
using SegLoss.Runtime.Distance;

namespace SegLoss.Runtime.Metrics;

/// <summary>
/// The surface distances between a predicted and a reference binary mask of one volume, and the metrics built on them,
/// defined as MONAI's <c>HausdorffDistanceMetric</c> and <c>SurfaceDistanceMetric</c> (after DeepMind's
/// surface-distance): the surface of a mask is its foreground voxels with a face neighbour in the background or
/// outside the image; each surface voxel of one mask is at the Euclidean distance (with the spacing) to the nearest
/// surface voxel of the other, computed exactly with <see cref="EuclideanDistanceTransform"/>.
/// </summary>
/// <remarks>
/// Empty masks, as MONAI: when both masks are empty every metric is NaN (nothing to compare); when exactly one is empty
/// every metric is +inf. Values are computed in double (MONAI rounds the distances to float32). medpy differs in two
/// definitions: its <c>hd95</c> is the percentile of both directions' distances pooled, and its <c>assd</c> the mean of
/// the two directed means; both can be computed from <see cref="PredictionToReference"/> and
/// <see cref="ReferenceToPrediction"/>.
/// </remarks>
public sealed class SurfaceDistances
{
    private SurfaceDistances(double[] predictionToReference, double[] referenceToPrediction, bool predictionIsEmpty, bool referenceIsEmpty)
    {
        PredictionToReference = predictionToReference;
        ReferenceToPrediction = referenceToPrediction;
        PredictionIsEmpty = predictionIsEmpty;
        ReferenceIsEmpty = referenceIsEmpty;
    }

    /// <summary>For each surface voxel of the prediction, in raster order, the distance to the reference's surface (empty when either mask is).</summary>
    public double[] PredictionToReference { get; }

    /// <summary>For each surface voxel of the reference, in raster order, the distance to the prediction's surface (empty when either mask is).</summary>
    public double[] ReferenceToPrediction { get; }

    /// <summary>Whether the prediction has no foreground voxel.</summary>
    public bool PredictionIsEmpty { get; }

    /// <summary>Whether the reference has no foreground voxel.</summary>
    public bool ReferenceIsEmpty { get; }

    /// <summary>The surface distances of one volume whose every axis is spatial.</summary>
    /// <param name="prediction">The predicted mask, row-major; nonzero is foreground.</param>
    /// <param name="reference">The reference mask, same shape.</param>
    /// <param name="shape">The spatial shape.</param>
    /// <param name="spacing">One voxel size per axis, or empty for unit spacing.</param>
    /// <param name="options">The thread limit of the distance transforms; <see cref="EdtOptions.Default"/> when null.</param>
    public static SurfaceDistances Compute(ReadOnlySpan<byte> prediction, ReadOnlySpan<byte> reference, ReadOnlySpan<int> shape, ReadOnlySpan<double> spacing = default, EdtOptions? options = null) =>
        Compute(prediction, reference, GridLayout.Create(shape, shape.Length, spacing), options ?? EdtOptions.Default);

    internal static SurfaceDistances Compute(ReadOnlySpan<byte> prediction, ReadOnlySpan<byte> reference, GridLayout volume, EdtOptions options)
    {
        volume.CheckLength(prediction.Length, nameof(prediction));
        volume.CheckLength(reference.Length, nameof(reference));
        var total = volume.Total;
        var predictionSurface = ArrayPool<byte>.Shared.Rent(total);
        var referenceSurface = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            var predictionCount = MaskSurface.Extract(prediction, volume, predictionSurface);
            var referenceCount = MaskSurface.Extract(reference, volume, referenceSurface);
            if (predictionCount == 0 || referenceCount == 0)
            {
                return new SurfaceDistances(Array.Empty<double>(), Array.Empty<double>(), predictionCount == 0, referenceCount == 0);
            }

            return new SurfaceDistances(
                DistancesTo(referenceSurface.AsSpan(0, total), predictionSurface.AsSpan(0, total), predictionCount, volume, options),
                DistancesTo(predictionSurface.AsSpan(0, total), referenceSurface.AsSpan(0, total), referenceCount, volume, options),
                predictionIsEmpty: false,
                referenceIsEmpty: false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(predictionSurface);
            ArrayPool<byte>.Shared.Return(referenceSurface);
        }
    }

    /// <summary>The Hausdorff distance: the larger of the two directed maxima.</summary>
    public double Hausdorff() => Hausdorff(percentile: null, directed: false);

    /// <summary>HD95: the larger of the two directed 95th percentiles (MONAI's <c>percentile=95</c>).</summary>
    public double Hausdorff95() => Hausdorff(percentile: 95, directed: false);

    /// <summary>
    /// The (percentile) Hausdorff distance as MONAI computes it: per direction the maximum, or the
    /// <paramref name="percentile"/>-th percentile with linear interpolation (as <c>torch.quantile</c>), then the larger
    /// of the two directions; only prediction to reference when <paramref name="directed"/>.
    /// </summary>
    /// <param name="percentile">Null for the maximum, else a value in [0, 100].</param>
    /// <param name="directed">Whether to measure from the prediction to the reference only.</param>
    public double Hausdorff(double? percentile, bool directed = false)
    {
        if (percentile is { } p && !(p >= 0 && p <= 100))
        {
            throw new ArgumentOutOfRangeException(nameof(percentile), percentile, "percentile must be between 0 and 100.");
        }

        if (EmptyResult() is { } empty)
        {
            return empty;
        }

        var forward = Summary(PredictionToReference, percentile);
        return directed ? forward : Math.Max(forward, Summary(ReferenceToPrediction, percentile));
    }

    /// <summary>
    /// The average symmetric surface distance as MONAI's <c>SurfaceDistanceMetric(symmetric=True)</c>: the mean of the
    /// distances of both directions together, <c>(sum d(P->R) + sum d(R->P)) / (|S_P| + |S_R|)</c>.
    /// </summary>
    public double AverageSymmetricSurfaceDistance() =>
        EmptyResult() ?? (PredictionToReference.Sum() + ReferenceToPrediction.Sum()) / (PredictionToReference.Length + ReferenceToPrediction.Length);

    /// <summary>The average surface distance from the prediction to the reference (MONAI's default, <c>symmetric=False</c>).</summary>
    public double AverageSurfaceDistance() => EmptyResult() ?? PredictionToReference.Average();

    private double? EmptyResult() => (PredictionIsEmpty, ReferenceIsEmpty) switch
    {
        (true, true) => double.NaN,
        (false, false) => null,
        _ => double.PositiveInfinity,
    };

    private static double Summary(double[] distances, double? percentile) =>
        percentile is { } p ? Percentile.Of(distances, p) : distances.Max();

    /// <summary>At each voxel of <paramref name="from"/> (raster order), the distance to the nearest voxel of <paramref name="to"/>.</summary>
    private static double[] DistancesTo(ReadOnlySpan<byte> to, ReadOnlySpan<byte> from, int count, GridLayout volume, EdtOptions options)
    {
        var total = volume.Total;
        var outside = ArrayPool<byte>.Shared.Rent(total);
        var squared = ArrayPool<double>.Shared.Rent(total);
        try
        {
            for (var i = 0; i < total; i++)
            {
                outside[i] = to[i] == 0 ? (byte)1 : (byte)0;
            }

            EuclideanDistanceTransform.Run(outside.AsSpan(0, total), volume, squared.AsSpan(0, total), default, squared: true, options);
            var distances = new double[count];
            var next = 0;
            for (var i = 0; i < total; i++)
            {
                if (from[i] != 0)
                {
                    distances[next++] = Math.Sqrt(squared[i]);
                }
            }

            return distances;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(outside);
            ArrayPool<double>.Shared.Return(squared);
        }
    }
}
