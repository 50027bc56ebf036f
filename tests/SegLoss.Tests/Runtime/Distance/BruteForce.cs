using System;
using System.Collections.Generic;
using System.Linq;
using SegLoss.Runtime.Distance;

namespace SegLoss.Tests.Runtime.Distance;

/// <summary>O(n²) references, written from the definitions and independent of the kernel's algorithm.</summary>
public static class BruteForce
{
    /// <summary>The multi-index of every voxel of a volume, in raster order.</summary>
    public static int[][] Indices(int[] shape)
    {
        var total = shape.Aggregate(1, (a, b) => a * b);
        var result = new int[total][];
        for (var i = 0; i < total; i++)
        {
            var index = new int[shape.Length];
            var rest = i;
            for (var k = shape.Length - 1; k >= 0; k--)
            {
                index[k] = rest % shape[k];
                rest /= shape[k];
            }

            result[i] = index;
        }

        return result;
    }

    public static double SquaredDistance(int[] a, int[] b, double[] spacing)
    {
        var sum = 0.0;
        for (var k = 0; k < a.Length; k++)
        {
            var t = (a[k] - b[k]) * spacing[k];
            sum += t * t;
        }

        return sum;
    }

    /// <summary>
    /// The distance transform of one volume: each foreground voxel's distance to the nearest background voxel. Without
    /// background, the policy's value: the nearest lattice point of the one-voxel shell around the box, scipy's virtual
    /// point (-1, 0, ..., 0), or +inf.
    /// </summary>
    public static double[] Edt(byte[] mask, int[] shape, double[] spacing, AllForegroundPolicy policy = AllForegroundPolicy.DistanceToImageBorder)
    {
        var indices = Indices(shape);
        var background = indices.Where((_, i) => mask[i] == 0).ToArray();
        var targets = background.Length > 0 ? background : Targets(shape, policy);
        var result = new double[mask.Length];
        for (var i = 0; i < mask.Length; i++)
        {
            if (mask[i] == 0)
            {
                continue;
            }

            var best = double.PositiveInfinity;
            foreach (var target in targets)
            {
                best = Math.Min(best, SquaredDistance(indices[i], target, spacing));
            }

            result[i] = Math.Sqrt(best);
        }

        return result;
    }

    /// <summary>The same over every volume of an array whose last <c>spatial.Length</c> axes are spatial.</summary>
    public static double[] EdtBatch(byte[] mask, int volumes, int[] spatial, double[] spacing, AllForegroundPolicy policy = AllForegroundPolicy.DistanceToImageBorder)
    {
        var size = spatial.Aggregate(1, (a, b) => a * b);
        var result = new double[mask.Length];
        for (var v = 0; v < volumes; v++)
        {
            Edt(mask[(v * size)..((v + 1) * size)], spatial, spacing, policy).CopyTo(result, v * size);
        }

        return result;
    }

    private static int[][] Targets(int[] shape, AllForegroundPolicy policy) => policy switch
    {
        AllForegroundPolicy.ScipyVirtualPoint => new[] { shape.Select((_, k) => k == 0 ? -1 : 0).ToArray() },
        AllForegroundPolicy.DistanceToImageBorder => Indices(shape.Select(n => n + 2).ToArray())
            .Select(index => index.Select(i => i - 1).ToArray())
            .Where(index => index.Where((i, k) => i < 0 || i >= shape[k]).Any())
            .ToArray(),
        _ => Array.Empty<int[]>(),
    };

    /// <summary>Foreground voxels with a face neighbour in the background or outside the image.</summary>
    public static List<int[]> Surface(byte[] mask, int[] shape)
    {
        var indices = Indices(shape);
        var result = new List<int[]>();
        for (var i = 0; i < mask.Length; i++)
        {
            if (mask[i] == 0)
            {
                continue;
            }

            var index = indices[i];
            var onSurface = false;
            for (var k = 0; k < shape.Length && !onSurface; k++)
            {
                foreach (var step in new[] { -1, 1 })
                {
                    var neighbour = (int[])index.Clone();
                    neighbour[k] += step;
                    if (neighbour[k] < 0 || neighbour[k] >= shape[k] || mask[Flat(neighbour, shape)] == 0)
                    {
                        onSurface = true;
                    }
                }
            }

            if (onSurface)
            {
                result.Add(index);
            }
        }

        return result;
    }

    /// <summary>For each point of <paramref name="from"/>, the distance to the nearest point of <paramref name="to"/>.</summary>
    public static double[] Distances(List<int[]> from, List<int[]> to, double[] spacing) =>
        from.Select(a => Math.Sqrt(to.Min(b => SquaredDistance(a, b, spacing)))).ToArray();

    public static int Flat(int[] index, int[] shape)
    {
        var flat = 0;
        for (var k = 0; k < shape.Length; k++)
        {
            flat = flat * shape[k] + index[k];
        }

        return flat;
    }
}
