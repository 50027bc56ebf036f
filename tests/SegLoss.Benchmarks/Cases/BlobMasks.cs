using System;
using System.Collections.Generic;
using System.Linq;

namespace SegLoss.Benchmarks.Cases;

/// <summary>
/// Binary masks of many ellipsoid blobs, as the distance-transform benchmarks use: axis-aligned ellipsoids with
/// centres uniform in the image and each semi-axis uniform in [rmin, rmax], drawn from a splitmix64 stream with a fixed
/// seed and painted until at least half of the voxels are foreground.
/// </summary>
public static class BlobMasks
{
    public static byte[] Generate(int[] shape, ulong seed, double radiusMin, double radiusMax, double foreground = 0.5)
    {
        var random = new SplitMix64(seed);
        var rank = shape.Length;
        var total = shape.Aggregate(1, (a, b) => a * b);
        var strides = new int[rank];
        strides[rank - 1] = 1;
        for (var k = rank - 2; k >= 0; k--)
        {
            strides[k] = strides[k + 1] * shape[k + 1];
        }

        var mask = new byte[total];
        var painted = 0L;
        var centre = new double[rank];
        var radius = new double[rank];
        var low = new int[rank];
        var high = new int[rank];
        var index = new int[rank];
        while (painted < foreground * total)
        {
            for (var k = 0; k < rank; k++)
            {
                centre[k] = random.NextDouble() * shape[k];
                radius[k] = radiusMin + random.NextDouble() * (radiusMax - radiusMin);
                low[k] = Math.Max(0, (int)Math.Ceiling(centre[k] - radius[k]));
                high[k] = Math.Min(shape[k] - 1, (int)Math.Floor(centre[k] + radius[k]));
            }

            if (Enumerable.Range(0, rank).Any(k => low[k] > high[k]))
            {
                continue;
            }

            low.CopyTo(index, 0);
            while (true)
            {
                double sum = 0;
                var offset = 0;
                for (var k = 0; k < rank; k++)
                {
                    var t = (index[k] - centre[k]) / radius[k];
                    sum += t * t;
                    offset += index[k] * strides[k];
                }

                if (sum <= 1 && mask[offset] == 0)
                {
                    mask[offset] = 1;
                    painted++;
                }

                var axis = rank - 1;
                while (axis >= 0 && ++index[axis] > high[axis])
                {
                    index[axis] = low[axis];
                    axis--;
                }

                if (axis < 0)
                {
                    break;
                }
            }
        }

        return mask;
    }

    /// <summary>
    /// A mask with exactly <paramref name="count"/> ellipsoids that do not touch, even diagonally: integer centres,
    /// each semi-axis uniform in [rmin, rmax], every ellipsoid inside the image, bounding boxes at least one voxel apart
    /// (drawn from a splitmix64 stream with a fixed seed, a candidate that comes too close is redrawn). Its connected
    /// components, with any connectivity, are the ellipsoids.
    /// </summary>
    public static byte[] Separated(int[] shape, int count, ulong seed, double radiusMin, double radiusMax)
    {
        var random = new SplitMix64(seed);
        var rank = shape.Length;
        var total = shape.Aggregate(1, (a, b) => a * b);
        var mask = new byte[total];
        var boxes = new List<(int[] Low, int[] High)>();
        var attempts = 0;
        while (boxes.Count < count)
        {
            if (++attempts > 1_000_000)
            {
                throw new InvalidOperationException($"could not place {count} separated ellipsoids in [{string.Join(", ", shape)}].");
            }

            var radius = new double[rank];
            var centre = new int[rank];
            var low = new int[rank];
            var high = new int[rank];
            for (var k = 0; k < rank; k++)
            {
                radius[k] = radiusMin + random.NextDouble() * (radiusMax - radiusMin);
                var reach = (int)Math.Floor(radius[k]);
                centre[k] = reach + (int)(random.NextDouble() * (shape[k] - 2 * reach));
                low[k] = centre[k] - reach;
                high[k] = centre[k] + reach;
            }

            // Apart when some axis leaves at least one empty voxel between the boxes.
            if (boxes.Any(b => Enumerable.Range(0, rank).All(k => high[k] + 1 >= b.Low[k] && b.High[k] + 1 >= low[k])))
            {
                continue;
            }

            boxes.Add((low, high));
            var index = (int[])low.Clone();
            while (true)
            {
                double sum = 0;
                var offset = 0;
                for (var k = 0; k < rank; k++)
                {
                    var t = (index[k] - centre[k]) / radius[k];
                    sum += t * t;
                    offset = offset * shape[k] + index[k];
                }

                if (sum <= 1)
                {
                    mask[offset] = 1;
                }

                var axis = rank - 1;
                while (axis >= 0 && ++index[axis] > high[axis])
                {
                    index[axis] = low[axis];
                    axis--;
                }

                if (axis < 0)
                {
                    break;
                }
            }
        }

        return mask;
    }

    /// <summary>Steele, Lea and Flood's splitmix64.</summary>
    private sealed class SplitMix64
    {
        private ulong _state;

        public SplitMix64(ulong seed) => _state = seed;

        public double NextDouble() => (Next() >> 11) * (1.0 / (1UL << 53));

        private ulong Next()
        {
            var z = _state += 0x9E3779B97F4A7C15UL;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            return z ^ (z >> 31);
        }
    }
}
