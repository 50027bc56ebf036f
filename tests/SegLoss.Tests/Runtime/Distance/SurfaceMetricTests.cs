using System;
using System.Linq;
using SegLoss.Runtime.Metrics;
using static TorchSharp.torch;

namespace SegLoss.Tests.Runtime.Distance;

/// <summary>Hausdorff distance, HD95 and ASSD against brute-force surfaces and pairwise distances.</summary>
public sealed class SurfaceMetricTests
{
    /// <summary>numpy's default (linear) percentile, written from its definition.</summary>
    private static double NumpyPercentile(double[] values, double q)
    {
        var sorted = values.OrderBy(v => v).ToArray();
        var position = q / 100 * (sorted.Length - 1);
        var low = (int)Math.Floor(position);
        var high = (int)Math.Ceiling(position);
        return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
    }

    [Fact]
    public void Metrics_match_brute_force_surfaces_and_distances()
    {
        var random = new Random(21);
        for (var c = 0; c < 30; c++)
        {
            var rank = 2 + c % 2;
            var shape = Masks.Shape(rank, rank == 2 ? 12 : 6, random);
            var spacing = c % 3 == 0 ? Enumerable.Repeat(1.0, rank).ToArray() : Masks.Spacing(rank, random);
            var prediction = Masks.Any(shape, random);
            var reference = Masks.Any(shape, random);
            if (!prediction.Any(v => v != 0) || !reference.Any(v => v != 0))
            {
                continue;
            }

            var forward = BruteForce.Distances(BruteForce.Surface(prediction, shape), BruteForce.Surface(reference, shape), spacing);
            var backward = BruteForce.Distances(BruteForce.Surface(reference, shape), BruteForce.Surface(prediction, shape), spacing);
            var distances = SurfaceDistances.Compute(prediction, reference, shape, spacing);
            var context = $"case {c}";

            Assertions.Close(forward, distances.PredictionToReference, context);
            Assertions.Close(backward, distances.ReferenceToPrediction, context);
            Assertions.Close(new[] { Math.Max(forward.Max(), backward.Max()) }, new[] { distances.Hausdorff() }, context);
            Assertions.Close(new[] { forward.Max() }, new[] { distances.Hausdorff(null, directed: true) }, context);
            Assertions.Close(new[] { Math.Max(NumpyPercentile(forward, 95), NumpyPercentile(backward, 95)) }, new[] { distances.Hausdorff95() }, context);
            Assertions.Close(new[] { Math.Max(NumpyPercentile(forward, 37.5), NumpyPercentile(backward, 37.5)) }, new[] { distances.Hausdorff(37.5) }, context);
            Assertions.Close(new[] { forward.Concat(backward).Average() }, new[] { distances.AverageSymmetricSurfaceDistance() }, context);
            Assertions.Close(new[] { forward.Average() }, new[] { distances.AverageSurfaceDistance() }, context);
        }
    }

    [Fact]
    public void Two_points_are_their_distance_apart_in_every_metric()
    {
        var shape = new[] { 5, 6 };
        var prediction = new byte[30];
        var reference = new byte[30];
        prediction[0] = 1;
        reference[BruteForce.Flat(new[] { 3, 4 }, shape)] = 1;
        var distances = SurfaceDistances.Compute(prediction, reference, shape, new[] { 2.0, 1.0 });
        var expected = Math.Sqrt(6 * 6 + 4 * 4);
        Assert.Equal(expected, distances.Hausdorff());
        Assert.Equal(expected, distances.Hausdorff95());
        Assert.Equal(expected, distances.AverageSymmetricSurfaceDistance());
    }

    [Fact]
    public void Surfaces_are_face_connected_and_include_the_image_border()
    {
        // A filled 4x4 block inside 6x6: its 12 outer voxels are surface, the 4 inner ones are not.
        var shape = new[] { 6, 6 };
        var block = new byte[36];
        foreach (var index in BruteForce.Indices(shape).Where(i => i[0] is >= 1 and <= 4 && i[1] is >= 1 and <= 4))
        {
            block[BruteForce.Flat(index, shape)] = 1;
        }

        Assert.Equal(12, SurfaceDistances.Compute(block, block, shape).PredictionToReference.Length);

        // A full image: only the border layer (20 voxels) is surface; along a size-1 axis everything is.
        Assert.Equal(20, SurfaceDistances.Compute(Enumerable.Repeat((byte)1, 36).ToArray(), block, shape).PredictionToReference.Length);
        Assert.Equal(36, SurfaceDistances.Compute(Enumerable.Repeat((byte)1, 36).ToArray(), block, new[] { 1, 6, 6 }).PredictionToReference.Length);
    }

    [Fact]
    public void Identical_masks_are_zero_apart()
    {
        var mask = Masks.Blobs(new[] { 7, 8, 5 }, new Random(4));
        var distances = SurfaceDistances.Compute(mask, mask, new[] { 7, 8, 5 }, new[] { 1.0, 1.0, 2.5 });
        Assert.Equal(0.0, distances.Hausdorff());
        Assert.Equal(0.0, distances.AverageSymmetricSurfaceDistance());
    }

    [Fact]
    public void Empty_masks_give_nan_when_both_are_empty_and_infinity_when_one_is()
    {
        var shape = new[] { 4, 4 };
        var empty = new byte[16];
        var some = new byte[16];
        some[5] = 1;

        var both = SurfaceDistances.Compute(empty, empty, shape);
        Assert.True(both.PredictionIsEmpty && both.ReferenceIsEmpty);
        Assert.True(double.IsNaN(both.Hausdorff()));
        Assert.True(double.IsNaN(both.Hausdorff95()));
        Assert.True(double.IsNaN(both.AverageSymmetricSurfaceDistance()));
        Assert.True(double.IsNaN(both.AverageSurfaceDistance()));

        foreach (var (prediction, reference) in new[] { (empty, some), (some, empty) })
        {
            var one = SurfaceDistances.Compute(prediction, reference, shape);
            Assert.Equal(double.PositiveInfinity, one.Hausdorff());
            Assert.Equal(double.PositiveInfinity, one.Hausdorff(95, directed: true));
            Assert.Equal(double.PositiveInfinity, one.AverageSymmetricSurfaceDistance());
            Assert.Empty(one.PredictionToReference);
        }
    }

    [Fact]
    public void Tensor_metrics_are_per_sample_and_class()
    {
        using var scope = NewDisposeScope();
        var random = new Random(8);
        var spatial = new[] { 6, 7 };
        var prediction = Enumerable.Range(0, 6).SelectMany(v => v == 2 ? new byte[42] : Masks.Blobs(spatial, random)).ToArray();
        var reference = Enumerable.Range(0, 6).SelectMany(v => v == 2 || v == 3 ? new byte[42] : Masks.Blobs(spatial, random)).ToArray();
        var spacing = new[] { 0.5, 1.5 };
        var p = tensor(prediction, new long[] { 2, 3, 6, 7 }).to(ScalarType.Float32);
        var r = tensor(reference, new long[] { 2, 3, 6, 7 }).to(ScalarType.Bool);

        var hd = SurfaceMetrics.Hausdorff(p, r, 2, spacing);
        var hd95 = SurfaceMetrics.Hausdorff95(p, r, 2, spacing);
        var assd = SurfaceMetrics.AverageSymmetricSurfaceDistance(p, r, 2, spacing);

        Assert.Equal(new long[] { 2, 3 }, hd.shape);
        for (var v = 0; v < 6; v++)
        {
            var d = SurfaceDistances.Compute(prediction[(v * 42)..((v + 1) * 42)], reference[(v * 42)..((v + 1) * 42)], spatial, spacing);
            Assert.Equal(d.Hausdorff(), hd.data<double>()[v]);
            Assert.Equal(d.Hausdorff95(), hd95.data<double>()[v]);
            Assert.Equal(d.AverageSymmetricSurfaceDistance(), assd.data<double>()[v]);
        }

        Assert.True(double.IsNaN(hd.data<double>()[2]));
        Assert.Equal(double.PositiveInfinity, hd.data<double>()[3]);
        Assert.Equal("reference", Assert.Throws<ArgumentException>(() => SurfaceMetrics.Hausdorff(p, r.narrow(1, 0, 2), 2)).ParamName);
        Assert.Equal("percentile", Assert.Throws<ArgumentOutOfRangeException>(() => SurfaceMetrics.Hausdorff(p, r, 2, percentile: 101)).ParamName);
    }
}
