using System;
using System.Linq;
using SegLoss.Runtime.Distance;

namespace SegLoss.Tests.Runtime.Distance;

/// <summary>The defined results: empty and all-foreground masks, single voxels, size-1 and zero-size axes, misuse.</summary>
public sealed class EdtEdgeCaseTests
{
    private static readonly AllForegroundPolicy[] Policies = Enum.GetValues<AllForegroundPolicy>();

    [Theory]
    [InlineData(new[] { 7 })]
    [InlineData(new[] { 4, 5 })]
    [InlineData(new[] { 3, 1, 4 })]
    [InlineData(new[] { 2, 3, 2, 2 })]
    public void Empty_mask_is_zero_everywhere_under_every_policy(int[] shape)
    {
        foreach (var policy in Policies)
        {
            var result = EuclideanDistanceTransform.Compute(new byte[Masks.Size(shape)], shape, options: new EdtOptions { AllForeground = policy });
            Assert.All(result, d => Assert.Equal(0.0, d));
        }
    }

    [Fact]
    public void All_foreground_default_is_the_distance_to_the_nearest_point_outside_the_image()
    {
        var shape = new[] { 3, 5 };
        var result = EuclideanDistanceTransform.Compute(Full(shape), shape, new[] { 2.0, 1.0 });

        // min over axes of min(i + 1, n - i) * spacing, e.g. the centre (1, 2): min(2 * 2, 3 * 1) = 3.
        Assert.Equal(
            new[] { 1.0, 2, 2, 2, 1, 1, 2, 3, 2, 1, 1, 2, 2, 2, 1 },
            result);
        Assert.Equal(BruteForce.Edt(Full(shape), shape, new[] { 2.0, 1.0 }), result);
        Assert.Equal(EuclideanDistanceTransform.Compute(Full(shape), shape, new[] { 2.0, 1.0 }, new EdtOptions()), result);
    }

    [Fact]
    public void All_foreground_scipy_policy_reproduces_scipy()
    {
        // scipy 1.10: distance_transform_edt(np.ones((3, 3))) measures to the point (-1, 0) (scipy issue #15585).
        var result = EuclideanDistanceTransform.Compute(Full(new[] { 3, 3 }), new[] { 3, 3 }, options: new EdtOptions { AllForeground = AllForegroundPolicy.ScipyVirtualPoint });
        Assertions.Close(new[] { 1, Math.Sqrt(2), Math.Sqrt(5), 2, Math.Sqrt(5), Math.Sqrt(8), 3, Math.Sqrt(10), Math.Sqrt(13) }, result);
    }

    [Fact]
    public void All_foreground_infinity_policy_is_infinite_in_every_output()
    {
        var options = new EdtOptions { AllForeground = AllForegroundPolicy.Infinity };
        var shape = new[] { 2, 3, 4 };
        Assert.All(EuclideanDistanceTransform.Compute(Full(shape), shape, options: options), d => Assert.Equal(double.PositiveInfinity, d));
        Assert.All(EuclideanDistanceTransform.ComputeSingle(Full(shape), shape, options: options), d => Assert.Equal(float.PositiveInfinity, d));
        var squared = new double[24];
        EuclideanDistanceTransform.ComputeSquared(Full(shape), shape, 3, default, squared, options);
        Assert.All(squared, d => Assert.Equal(double.PositiveInfinity, d));
    }

    [Fact]
    public void Only_the_volumes_without_background_follow_the_policy()
    {
        var mask = Full(new[] { 2, 4 });
        mask[6] = 0; // second volume (row) gets a background voxel
        var result = new double[8];
        EuclideanDistanceTransform.Compute(mask, new[] { 2, 4 }, 1, default, result, new EdtOptions { AllForeground = AllForegroundPolicy.Infinity });
        Assert.Equal(new[] { double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity, double.PositiveInfinity, 2, 1, 0, 1 }, result);
    }

    [Fact]
    public void Single_foreground_voxel_is_one_step_of_the_smallest_spacing_away()
    {
        var shape = new[] { 5, 5, 5 };
        var mask = new byte[125];
        mask[62] = 1; // centre
        var result = EuclideanDistanceTransform.Compute(mask, shape, new[] { 2.0, 0.5, 3.0 });
        Assert.Equal(0.5, result[62]);
        Assert.Equal(124, result.Count(d => d == 0));
    }

    [Fact]
    public void Single_background_voxel_gives_the_distance_to_it_everywhere()
    {
        var shape = new[] { 4, 6 };
        var spacing = new[] { 1.5, 0.7 };
        var mask = Full(shape);
        mask[BruteForce.Flat(new[] { 3, 1 }, shape)] = 0;
        var expected = BruteForce.Indices(shape).Select(i => Math.Sqrt(BruteForce.SquaredDistance(i, new[] { 3, 1 }, spacing))).ToArray();
        Assertions.Close(expected, EuclideanDistanceTransform.Compute(mask, shape, spacing));
    }

    [Theory]
    [InlineData(new[] { 1, 9 })]
    [InlineData(new[] { 9, 1 })]
    [InlineData(new[] { 1, 1, 1 })]
    [InlineData(new[] { 3, 1, 5 })]
    [InlineData(new[] { 1, 4, 1, 3 })]
    public void Size_one_axes_are_ordinary_axes(int[] shape)
    {
        var random = new Random(shape.Length * 31 + shape.Sum());
        for (var c = 0; c < 8; c++)
        {
            var mask = Masks.Salt(shape, 0.6, random);
            var spacing = Masks.Spacing(shape.Length, random);
            foreach (var policy in Policies)
            {
                Assertions.Close(BruteForce.Edt(mask, shape, spacing, policy), EuclideanDistanceTransform.Compute(mask, shape, spacing, new EdtOptions { AllForeground = policy }), $"{policy} case {c}");
            }
        }
    }

    [Fact]
    public void A_row_as_a_1_by_n_image_equals_its_1d_transform_when_it_has_background()
    {
        var mask = new byte[] { 1, 1, 0, 1, 1, 1, 0, 1 };
        Assert.Equal(EuclideanDistanceTransform.Compute(mask, new[] { 8 }, new[] { 0.5 }), EuclideanDistanceTransform.Compute(mask, new[] { 1, 8 }, new[] { 3.0, 0.5 }));
    }

    [Fact]
    public void Zero_size_axes_give_empty_results()
    {
        Assert.Empty(EuclideanDistanceTransform.Compute(ReadOnlySpan<byte>.Empty, new[] { 3, 0, 4 }));
        EuclideanDistanceTransform.Compute(ReadOnlySpan<byte>.Empty, new[] { 0, 5 }, 1, default, Span<float>.Empty);
    }

    [Fact]
    public void Misuse_names_the_argument()
    {
        var mask = new byte[12];
        var shape = new[] { 3, 4 };
        Assert.Equal("spacing", Assert.Throws<ArgumentException>(() => EuclideanDistanceTransform.Compute(mask, shape, new[] { 1.0 })).ParamName);
        Assert.Equal("spacing", Assert.Throws<ArgumentException>(() => EuclideanDistanceTransform.Compute(mask, shape, new[] { 1.0, 0.0 })).ParamName);
        Assert.Equal("spacing", Assert.Throws<ArgumentException>(() => EuclideanDistanceTransform.Compute(mask, shape, new[] { double.NaN, 1.0 })).ParamName);
        Assert.Equal("spacing", Assert.Throws<ArgumentException>(() => EuclideanDistanceTransform.Compute(mask, shape, new[] { double.PositiveInfinity, 1.0 })).ParamName);
        Assert.Equal("mask", Assert.Throws<ArgumentException>(() => EuclideanDistanceTransform.Compute(mask, new[] { 3, 5 })).ParamName);
        Assert.Equal("destination", Assert.Throws<ArgumentException>(() => EuclideanDistanceTransform.Compute(mask, shape, 2, default, new double[11])).ParamName);
        Assert.Equal("spatialDims", Assert.Throws<ArgumentOutOfRangeException>(() => EuclideanDistanceTransform.Compute(mask, shape, 3, default, new double[12])).ParamName);
        Assert.Equal("spatialDims", Assert.Throws<ArgumentOutOfRangeException>(() => EuclideanDistanceTransform.Compute(mask, shape, 0, default, new double[12])).ParamName);
        Assert.Equal("shape", Assert.Throws<ArgumentException>(() => EuclideanDistanceTransform.Compute(mask, new[] { -3, -4 })).ParamName);
        Assert.Equal("MaxDegreeOfParallelism", Assert.Throws<ArgumentOutOfRangeException>(() => new EdtOptions { MaxDegreeOfParallelism = 0 }).ParamName);
        Assert.Equal("AllForeground", Assert.Throws<ArgumentOutOfRangeException>(() => new EdtOptions { AllForeground = (AllForegroundPolicy)7 }).ParamName);
        Assert.Equal("convention", Assert.Throws<ArgumentOutOfRangeException>(() => DistanceMaps.Compute(mask, shape, (DistanceMapConvention)9)).ParamName);
    }

    private static byte[] Full(int[] shape) => Enumerable.Repeat((byte)1, Masks.Size(shape)).ToArray();
}
