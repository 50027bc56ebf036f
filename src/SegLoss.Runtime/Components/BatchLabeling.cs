using System;
using static TorchSharp.torch;

namespace SegLoss.Runtime.Components;

/// <summary>
/// The connected components of every sample of a batch, each sample labelled on its own. <see cref="Labels"/> belongs
/// to the caller's dispose scope.
/// </summary>
public sealed class BatchLabeling
{
    internal BatchLabeling(Tensor labels, int[] counts, int[][] sizes)
    {
        Labels = labels;
        Counts = counts;
        Sizes = sizes;
    }

    /// <summary>
    /// int64, the mask's shape and device: 0 for background, else 1..K_n within sample n, in raster order of each
    /// component's first voxel (scipy's <c>ndimage.label</c> per sample).
    /// </summary>
    public Tensor Labels { get; }

    /// <summary>K_n, the number of components of sample n.</summary>
    public int[] Counts { get; }

    /// <summary><c>Sizes[n][k]</c>: the voxel count of label k in sample n, k in 0..K_n (0 is the background).</summary>
    public int[][] Sizes { get; }

    /// <summary>The number of samples N.</summary>
    public int Samples => Counts.Length;

    /// <summary>The largest component count over the batch (0 for a batch without foreground).</summary>
    public int MaxCount
    {
        get
        {
            var max = 0;
            foreach (var count in Counts)
            {
                max = Math.Max(max, count);
            }

            return max;
        }
    }
}
