using System;
using System.Linq;
using SegLoss.Runtime.Distance;

namespace SegLoss.Tests.Runtime.Distance;

/// <summary>
/// Volumes large enough for many parallel chunks: bitwise the same result for any thread count, and equal to an
/// independent separable reference (per line, the minimum over every sample: O(n) per voxel, no lower envelope).
/// </summary>
public sealed class EdtDeterminismTests
{
    /// <summary>Squared distances, axis by axis, each output the minimum over the whole line.</summary>
    private static double[] SeparableReference(byte[] mask, int[] shape, double[] spacing)
    {
        var values = mask.Select(m => m == 0 ? 0.0 : double.PositiveInfinity).ToArray();
        var stride = 1;
        for (var axis = shape.Length - 1; axis >= 0; axis--)
        {
            var n = shape[axis];
            var next = new double[values.Length];
            for (var block = 0; block < values.Length; block += n * stride)
            {
                for (var j = 0; j < stride; j++)
                {
                    for (var p = 0; p < n; p++)
                    {
                        var best = double.PositiveInfinity;
                        for (var q = 0; q < n; q++)
                        {
                            var offset = (p - q) * spacing[axis];
                            best = Math.Min(best, values[block + q * stride + j] + offset * offset);
                        }

                        next[block + p * stride + j] = best;
                    }
                }
            }

            values = next;
            stride *= n;
        }

        return values.Select(Math.Sqrt).ToArray();
    }

    [Theory]
    [InlineData(new[] { 40, 36, 48 }, new[] { 1.0, 1.0, 2.5 })]
    [InlineData(new[] { 300, 257 }, new[] { 1.0, 2.5 })]
    [InlineData(new[] { 9, 10, 11, 12 }, new[] { 0.7, 1.3, 1.0, 2.0 })]
    public void Every_thread_count_gives_the_same_bits_and_the_exact_distances(int[] shape, double[] spacing)
    {
        var mask = Masks.Blobs(shape, new Random(shape.Sum()));
        var one = EuclideanDistanceTransform.Compute(mask, shape, spacing, new EdtOptions { MaxDegreeOfParallelism = 1 });
        var two = EuclideanDistanceTransform.Compute(mask, shape, spacing, new EdtOptions { MaxDegreeOfParallelism = 2 });
        var pool = EuclideanDistanceTransform.Compute(mask, shape, spacing);

        Assert.Equal(one, two);
        Assert.Equal(one, pool);
        Assertions.Close(SeparableReference(mask, shape, spacing), one);
        var fraction = mask.Count(m => m != 0) / (double)mask.Length;
        Assert.InRange(fraction, 0.01, 0.99);
    }
}
