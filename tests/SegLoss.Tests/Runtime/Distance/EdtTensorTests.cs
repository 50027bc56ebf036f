using System;
using System.Linq;
using SegLoss.Runtime.Distance;
using TorchSharp;
using static TorchSharp.torch;

namespace SegLoss.Tests.Runtime.Distance;

/// <summary>The tensor API: any mask dtype and batch/channel layout, float32 or float64 distances of the same shape.</summary>
public sealed class EdtTensorTests
{
    private static readonly long[] Shape = { 2, 3, 5, 6, 4 };
    private static readonly double[] Spacing = { 1.0, 0.5, 2.5 };

    private static (byte[] Mask, double[] Expected) Reference()
    {
        var random = new Random(5);
        var mask = Enumerable.Range(0, 6).SelectMany(v => v == 4 ? new byte[120] : v == 5 ? Enumerable.Repeat((byte)1, 120).ToArray() : Masks.Blobs(new[] { 5, 6, 4 }, random)).ToArray();
        return (mask, BruteForce.EdtBatch(mask, 6, new[] { 5, 6, 4 }, Spacing));
    }

    [Theory]
    [InlineData(ScalarType.Bool)]
    [InlineData(ScalarType.Byte)]
    [InlineData(ScalarType.Int32)]
    [InlineData(ScalarType.Int64)]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    public void Every_mask_dtype_gives_the_per_volume_transform(ScalarType maskType)
    {
        using var scope = NewDisposeScope();
        var (mask, expected) = Reference();
        var input = tensor(mask, Shape).to(maskType);

        var single = EuclideanDistanceTransform.Compute(input, spatialDims: 3, Spacing);
        var wide = EuclideanDistanceTransform.Compute(input, 3, Spacing, ScalarType.Float64);
        var squared = EuclideanDistanceTransform.ComputeSquared(input, 3, Spacing);

        Assert.Equal(ScalarType.Float32, single.dtype);
        Assert.Equal(Shape, single.shape);
        Assertions.Close(expected, single.data<float>().ToArray());
        Assert.Equal(ScalarType.Float64, wide.dtype);
        Assertions.Close(expected, wide.data<double>().ToArray());
        Assertions.Close(expected.Select(d => d * d).ToArray(), squared.data<double>().ToArray());
    }

    [Fact]
    public void Non_contiguous_masks_and_float_values_count_as_nonzero()
    {
        using var scope = NewDisposeScope();
        var values = tensor(new[] { 0.0f, 0.3f, -2f, float.NaN, 0f, 1f }, new long[] { 6, 1 });
        var transposed = values.t(); // [1, 6], a non-contiguous view
        var result = EuclideanDistanceTransform.Compute(transposed, 1, dtype: ScalarType.Float64);
        Assert.Equal(new[] { 0.0, 1, 2, 1, 0, 1 }, result.data<double>().ToArray());
    }

    [Fact]
    public void Rejects_integer_output_and_bad_spatial_dims()
    {
        using var scope = NewDisposeScope();
        var mask = zeros(2, 4, 4);
        Assert.Equal("dtype", Assert.Throws<ArgumentException>(() => EuclideanDistanceTransform.Compute(mask, 2, dtype: ScalarType.Int64)).ParamName);
        Assert.Equal("spatialDims", Assert.Throws<ArgumentOutOfRangeException>(() => EuclideanDistanceTransform.Compute(mask, 4)).ParamName);
        Assert.Equal("spacing", Assert.Throws<ArgumentException>(() => EuclideanDistanceTransform.Compute(mask, 2, new[] { 1.0, 2.0, 3.0 })).ParamName);
    }

    [Fact]
    public void Leaves_no_tensor_behind()
    {
        using var scope = NewDisposeScope();
        var mask = rand(2, 1, 8, 8).gt(0.5);
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (EuclideanDistanceTransform.Compute(mask, 2))
        {
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
