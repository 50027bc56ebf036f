using System;
using SegLoss.Runtime.Distance;

namespace SegLoss.Runtime.Metrics;

/// <summary>
/// The surface of a binary mask: its foreground voxels with at least one of the <c>2 D</c> face neighbours in the
/// background or outside the image. It is <c>mask XOR binary_erosion(mask)</c> with scipy's default cross-shaped
/// structure and <c>border_value = 0</c>, the definition of MONAI's <c>get_mask_edges</c> (without subvoxel spacing)
/// and of medpy's surface distances (connectivity 1). Along a size-1 axis every foreground voxel is on the surface.
/// </summary>
internal static class MaskSurface
{
    /// <summary>Writes 1 at surface voxels and 0 elsewhere; returns the number of surface voxels.</summary>
    public static int Extract(ReadOnlySpan<byte> mask, GridLayout volume, Span<byte> surface)
    {
        var total = volume.VolumeSize;
        if (total == 0)
        {
            return 0;
        }

        surface[..total].Clear();

        // surface = foreground voxels that some axis erodes: at either end of the axis, or beside a background voxel.
        var dims = volume.Dims;
        var stride = 1;
        for (var axis = dims.Length - 1; axis >= 0; axis--)
        {
            var n = dims[axis];
            var blockSize = n * stride;
            for (var block = 0; block < total; block += blockSize)
            {
                for (var i = 0; i < n; i++)
                {
                    var row = block + i * stride;
                    for (var j = 0; j < stride; j++)
                    {
                        var index = row + j;
                        if (mask[index] != 0
                            && (i == 0 || i == n - 1 || mask[index - stride] == 0 || mask[index + stride] == 0))
                        {
                            surface[index] = 1;
                        }
                    }
                }
            }

            stride = blockSize;
        }

        var count = 0;
        for (var i = 0; i < total; i++)
        {
            count += surface[i];
        }

        return count;
    }
}
