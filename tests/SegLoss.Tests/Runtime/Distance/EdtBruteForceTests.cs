using System;
using System.Linq;
using SegLoss.Runtime.Distance;

namespace SegLoss.Tests.Runtime.Distance;

/// <summary>The transform against the O(n²) definition on random small masks, 1D to 4D, with random anisotropic spacing.</summary>
public sealed class EdtBruteForceTests
{
    [Theory]
    [InlineData(1, 40, 40)]
    [InlineData(2, 12, 40)]
    [InlineData(3, 7, 30)]
    [InlineData(4, 4, 25)]
    public void Random_masks_match_the_definition(int rank, int maxSide, int cases)
    {
        var random = new Random(1000 + rank);
        for (var c = 0; c < cases; c++)
        {
            var shape = Masks.Shape(rank, maxSide, random);
            var spacing = c % 4 == 0 ? Enumerable.Repeat(1.0, rank).ToArray() : Masks.Spacing(rank, random);
            var mask = Masks.Any(shape, random);
            var policy = (AllForegroundPolicy)(c % 3);
            var options = new EdtOptions { AllForeground = policy };
            var context = $"case {c}: shape [{string.Join(", ", shape)}] spacing [{string.Join(", ", spacing)}] {policy}";
            var expected = BruteForce.Edt(mask, shape, spacing, policy);

            Assertions.Close(expected, EuclideanDistanceTransform.Compute(mask, shape, spacing, options), context);
            Assertions.Close(expected, EuclideanDistanceTransform.ComputeSingle(mask, shape, spacing, options), context);
            var squared = new double[mask.Length];
            EuclideanDistanceTransform.ComputeSquared(mask, shape, rank, spacing, squared, options);
            Assertions.Close(expected.Select(d => d * d).ToArray(), squared, context);
        }
    }

    [Theory]
    [InlineData(new[] { 9, 40 })]
    [InlineData(new[] { 3, 50 })]
    [InlineData(new[] { 6, 5, 21 })]
    [InlineData(new[] { 4, 3, 18, 2 })]
    public void Partial_and_full_panels_of_strided_lines_match_the_definition(int[] shape)
    {
        var random = new Random(shape.Sum());
        for (var c = 0; c < 4; c++)
        {
            var mask = Masks.Any(shape, random);
            var spacing = Masks.Spacing(shape.Length, random);
            Assertions.Close(BruteForce.Edt(mask, shape, spacing), EuclideanDistanceTransform.Compute(mask, shape, spacing), $"case {c}");
        }
    }

    [Fact]
    public void Batch_axes_hold_independent_volumes()
    {
        var random = new Random(7);
        var shape = new[] { 2, 3, 5, 6 };
        var spacing = new[] { 0.8, 2.5 };
        var mask = new byte[Masks.Size(shape)];
        var volumes = new[] { Masks.Blobs(new[] { 5, 6 }, random), new byte[30], Enumerable.Repeat((byte)1, 30).ToArray(), Masks.Salt(new[] { 5, 6 }, 0.5, random), Masks.Salt(new[] { 5, 6 }, 0.9, random), Masks.Blobs(new[] { 5, 6 }, random) };
        for (var v = 0; v < volumes.Length; v++)
        {
            volumes[v].CopyTo(mask, v * 30);
        }

        var expected = BruteForce.EdtBatch(mask, 6, new[] { 5, 6 }, spacing);
        var actual = new double[mask.Length];
        EuclideanDistanceTransform.Compute(mask, shape, 2, spacing, actual);
        Assertions.Close(expected, actual);

        // Three spatial axes instead: one volume per leading index, and a different result.
        var asThreeD = new float[mask.Length];
        EuclideanDistanceTransform.Compute(mask, shape, 3, default, asThreeD);
        Assertions.Close(BruteForce.EdtBatch(mask, 2, new[] { 3, 5, 6 }, new[] { 1.0, 1.0, 1.0 }), asThreeD);
    }

    [Fact]
    public void Any_nonzero_byte_is_foreground()
    {
        var mask = new byte[] { 0, 7, 255, 1, 0, 128 };
        var ones = mask.Select(b => b == 0 ? (byte)0 : (byte)1).ToArray();
        Assert.Equal(EuclideanDistanceTransform.Compute(ones, new[] { 6 }), EuclideanDistanceTransform.Compute(mask, new[] { 6 }));
    }
}
