using System;
using System.Linq;

namespace SegLoss.Tests.Runtime.Distance;

/// <summary>Random masks for the distance tests: blobs (balls) or salt, with fixed seeds.</summary>
public static class Masks
{
    public static int Size(int[] shape) => shape.Aggregate(1, (a, b) => a * b);

    /// <summary>Independent voxels, foreground with probability <paramref name="density"/>.</summary>
    public static byte[] Salt(int[] shape, double density, Random random) =>
        Enumerable.Range(0, Size(shape)).Select(_ => random.NextDouble() < density ? (byte)1 : (byte)0).ToArray();

    /// <summary>A union of a few random anisotropic balls, sometimes with salt.</summary>
    public static byte[] Blobs(int[] shape, Random random)
    {
        var mask = new byte[Size(shape)];
        var indices = BruteForce.Indices(shape);
        var count = random.Next(1, 4);
        for (var b = 0; b < count; b++)
        {
            var center = shape.Select(n => random.NextDouble() * n).ToArray();
            var radius = shape.Select(n => 0.5 + random.NextDouble() * n / 2.0).ToArray();
            for (var i = 0; i < mask.Length; i++)
            {
                var s = indices[i].Select((x, k) => Math.Pow((x - center[k]) / radius[k], 2)).Sum();
                if (s <= 1)
                {
                    mask[i] = 1;
                }
            }
        }

        if (random.Next(3) == 0)
        {
            for (var i = 0; i < mask.Length; i++)
            {
                if (random.NextDouble() < 0.05)
                {
                    mask[i] ^= 1;
                }
            }
        }

        return mask;
    }

    /// <summary>Either kind, with a random density.</summary>
    public static byte[] Any(int[] shape, Random random) =>
        random.Next(2) == 0 ? Blobs(shape, random) : Salt(shape, new[] { 0.1, 0.5, 0.9 }[random.Next(3)], random);

    /// <summary>Random spacings in [0.3, 3), some of them integers.</summary>
    public static double[] Spacing(int rank, Random random) =>
        Enumerable.Range(0, rank).Select(_ => random.Next(3) == 0 ? random.Next(1, 3) : Math.Round(0.3 + random.NextDouble() * 2.7, 3)).ToArray();

    /// <summary>A random shape of the given rank with sides in [1, <paramref name="maxSide"/>].</summary>
    public static int[] Shape(int rank, int maxSide, Random random) =>
        Enumerable.Range(0, rank).Select(_ => random.Next(1, maxSide + 1)).ToArray();
}
