using System;
using System.Linq;

namespace SegLoss.Tests.Runtime.Components;

/// <summary>Seeded random masks: independent voxels at a density, or boxes (blobs) with some salt.</summary>
public static class RandomMasks
{
    public static byte[] Noise(int[] shape, double density, int seed)
    {
        var random = new Random(seed);
        var mask = new byte[shape.Aggregate(1, (a, b) => a * b)];
        for (var i = 0; i < mask.Length; i++)
        {
            mask[i] = random.NextDouble() < density ? (byte)1 : (byte)0;
        }

        return mask;
    }

    public static byte[] Blobs(int[] shape, int blobs, int seed)
    {
        var random = new Random(seed);
        var mask = new byte[shape.Aggregate(1, (a, b) => a * b)];
        var low = new int[shape.Length];
        var high = new int[shape.Length];
        for (var b = 0; b < blobs; b++)
        {
            for (var axis = 0; axis < shape.Length; axis++)
            {
                low[axis] = random.Next(shape[axis]);
                high[axis] = Math.Min(shape[axis], low[axis] + 1 + random.Next(Math.Max(1, shape[axis] / 3)));
            }

            Fill(mask, shape, low, high, 0, 0);
        }

        for (var salt = 0; salt < mask.Length / 50; salt++)
        {
            mask[random.Next(mask.Length)] = 1;
        }

        return mask;
    }

    private static void Fill(byte[] mask, int[] shape, int[] low, int[] high, int axis, int offset)
    {
        if (axis == shape.Length)
        {
            mask[offset] = 1;
            return;
        }

        for (var c = low[axis]; c < high[axis]; c++)
        {
            Fill(mask, shape, low, high, axis + 1, offset * shape[axis] + c);
        }
    }
}
