using System;

namespace SegLoss.Runtime.Components;

/// <summary>The connected components of one mask: a label per voxel and the voxel count of every label.</summary>
public sealed class ComponentLabeling
{
    internal ComponentLabeling(int[] labels, int count, int[] sizes)
    {
        Labels = labels;
        Count = count;
        Sizes = sizes;
    }

    /// <summary>
    /// Per voxel (row-major, the mask's shape): 0 for background, else the component's label in 1..<see cref="Count"/>,
    /// numbered in raster order of each component's first voxel (scipy's <c>ndimage.label</c>).
    /// </summary>
    public int[] Labels { get; }

    /// <summary>The number of components K.</summary>
    public int Count { get; }

    /// <summary>
    /// <c>Sizes[k]</c> is the voxel count of label k, for k in 0..K (<c>Sizes[0]</c>, the background): K + 1 entries.
    /// </summary>
    public int[] Sizes { get; }

    /// <summary>The voxel count of component <paramref name="label"/> (1..K), or of the background for 0.</summary>
    public int SizeOf(int label) => label >= 0 && label <= Count
        ? Sizes[label]
        : throw new ArgumentOutOfRangeException(nameof(label), label, $"labels run from 0 to {Count}.");
}
