using System;

namespace SegLoss.Runtime.Distance;

/// <summary>Writes the <see cref="AllForegroundPolicy"/> result over every volume that has no background voxel.</summary>
internal static unsafe class AllForegroundFill
{
    public static void Apply(byte* mask, GridLayout layout, double* doubleDestination, float* floatDestination, bool squared, AllForegroundPolicy policy)
    {
        var size = layout.VolumeSize;
        var dims = layout.Dims;
        var spacing = layout.Spacing;
        var index = new int[dims.Length];
        for (var volume = 0; volume < layout.Volumes; volume++)
        {
            var start = (long)volume * size;
            if (new ReadOnlySpan<byte>(mask + start, size).IndexOf((byte)0) >= 0)
            {
                continue;
            }

            Array.Clear(index);
            for (var i = 0; i < size; i++)
            {
                var squaredDistance = policy switch
                {
                    AllForegroundPolicy.DistanceToImageBorder => SquaredDistanceToBorder(index, dims, spacing),
                    AllForegroundPolicy.ScipyVirtualPoint => SquaredDistanceToScipyPoint(index, spacing),
                    _ => double.PositiveInfinity,
                };
                var value = squared ? squaredDistance : Math.Sqrt(squaredDistance);
                if (floatDestination != null)
                {
                    floatDestination[start + i] = (float)value;
                }
                else
                {
                    doubleDestination[start + i] = value;
                }

                for (var k = dims.Length - 1; k >= 0 && ++index[k] == dims[k]; k--)
                {
                    index[k] = 0;
                }
            }
        }
    }

    /// <summary>The squared distance to the nearest point outside the box: straight out through the nearest face.</summary>
    private static double SquaredDistanceToBorder(ReadOnlySpan<int> index, int[] dims, double[] spacing)
    {
        var nearest = double.PositiveInfinity;
        for (var k = 0; k < dims.Length; k++)
        {
            var distance = Math.Min(index[k] + 1, dims[k] - index[k]) * spacing[k];
            nearest = Math.Min(nearest, distance);
        }

        return nearest * nearest;
    }

    /// <summary>scipy's: the squared distance to <c>(-1, 0, ..., 0)</c>, summed over the axes in order as scipy does.</summary>
    private static double SquaredDistanceToScipyPoint(ReadOnlySpan<int> index, double[] spacing)
    {
        var sum = 0.0;
        for (var k = 0; k < index.Length; k++)
        {
            var offset = ((k == 0 ? -1 : 0) - index[k]) * spacing[k];
            sum += offset * offset;
        }

        return sum;
    }
}
