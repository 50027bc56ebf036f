using System;
using System.Runtime.CompilerServices;
using System.Collections.Generic;

namespace SegLoss.Runtime.Components;

/// <summary>
/// One earlier row a row's runs can touch: <c>RowDelta</c> rows back in raster order, reached by stepping -1/+1 along the
/// leading axes set in <c>LowMask</c>/<c>HighMask</c>. <c>Widen</c> is 1 when diagonal steps along the row axis are
/// also neighbours (the runs then touch when they overlap after growing by one voxel), 0 when only the voxel straight
/// across is.
/// </summary>
internal readonly record struct RowNeighbor(int RowDelta, uint LowMask, uint HighMask, int Widen)
{
    /// <summary>Whether the neighbour row lies in the previous plane (a step of -1 along axis 0).</summary>
    public bool CrossesPlane => (LowMask & 1u) != 0;
}

/// <summary>
/// A sample's volume seen as rows along its last axis (contiguous, raster order), grouped into planes along axis 0,
/// with the earlier rows each row can touch under a connectivity.
/// </summary>
internal sealed class LabelingGeometry
{
    /// <summary>At most this many spatial axes (leading axes are tracked in 32-bit masks).</summary>
    public const int MaxDimensions = 32;

    /// <summary>
    /// At most this many earlier rows per row: full connectivity reaches (3^k − 1)/2 of them over k leading axes of
    /// extent over 1 (29524 for k = 10).
    /// </summary>
    public const int MaxNeighborRows = 1 << 16;

    public LabelingGeometry(ReadOnlySpan<long> shape, Connectivity connectivity, string parameter)
    {
        if (shape.Length == 0 || shape.Length > MaxDimensions)
        {
            throw new ArgumentException($"a mask needs 1 to {MaxDimensions} spatial dimensions; got {shape.Length}.", parameter);
        }

        if (!connectivity.IsValid)
        {
            throw new ArgumentException(
                "connectivity is the default value: use Connectivity.C4, C8, C6, C18, C26, Face, Full, FromRank or FromNeighbors.",
                nameof(connectivity));
        }

        if (connectivity.Dimensions != 0 && connectivity.Dimensions != shape.Length)
        {
            throw new ArgumentException(
                $"connectivity {connectivity} is for {connectivity.Dimensions}-D masks, but the mask has {shape.Length} spatial " +
                $"dimensions (shape {Format(shape)}); use Connectivity.Face or Full for any dimension.",
                parameter);
        }

        long voxels = 1;
        foreach (var extent in shape)
        {
            if (extent < 0)
            {
                throw new ArgumentException($"negative extent in shape {Format(shape)}.", parameter);
            }

            voxels = extent == 0 || voxels == 0 ? 0 : checked(voxels * extent);
            if (voxels > int.MaxValue)
            {
                throw new ArgumentException($"a sample of shape {Format(shape)} has more than {int.MaxValue} voxels.", parameter);
            }
        }

        Shape = shape.ToArray();
        Voxels = (int)voxels;
        Width = (int)shape[^1];
        LeadingExtents = new int[shape.Length - 1];
        for (var axis = 0; axis < LeadingExtents.Length; axis++)
        {
            LeadingExtents[axis] = (int)shape[axis];
        }

        Rows = Voxels == 0 ? 0 : Voxels / Width;
        Planes = LeadingExtents.Length == 0 ? 1 : LeadingExtents[0];
        RowsPerPlane = Planes == 0 ? 0 : Rows / Planes;
        Neighbors = EnumerateNeighbors(LeadingExtents, connectivity.EffectiveRank(shape.Length))
            ?? throw new ArgumentException(
                $"connectivity {connectivity} over shape {Format(shape)} reaches more than {MaxNeighborRows} earlier rows per row; " +
                "use a lower rank (Connectivity.Face or FromRank).",
                nameof(connectivity));
    }

    /// <summary>The spatial shape of one sample.</summary>
    public long[] Shape { get; }

    /// <summary>Voxels of one sample.</summary>
    public int Voxels { get; }

    /// <summary>The extent of the last axis: the length of a row.</summary>
    public int Width { get; }

    /// <summary>Rows of one sample (the product of the leading extents; 1 for a 1-D mask).</summary>
    public int Rows { get; }

    /// <summary>Planes along axis 0 (1 for a 1-D mask, where the single row is the single plane).</summary>
    public int Planes { get; }

    /// <summary>Rows per plane.</summary>
    public int RowsPerPlane { get; }

    /// <summary>The extents of every axis but the last.</summary>
    public int[] LeadingExtents { get; }

    /// <summary>The earlier rows a row can touch, when they exist.</summary>
    public RowNeighbor[] Neighbors { get; }

    /// <summary>
    /// Bits of the leading axes where <paramref name="index"/> sits at its lower bound (axis 0: <paramref name="lowestPlane"/>,
    /// so that a slab does not look into the one before it) and at its upper bound.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Bounds(ReadOnlySpan<int> index, int lowestPlane, out uint atLow, out uint atHigh)
    {
        atLow = 0;
        atHigh = 0;
        for (var axis = 0; axis < index.Length; axis++)
        {
            if (index[axis] == (axis == 0 ? lowestPlane : 0))
            {
                atLow |= 1u << axis;
            }

            if (index[axis] == LeadingExtents[axis] - 1)
            {
                atHigh |= 1u << axis;
            }
        }
    }

    /// <summary>Sets <paramref name="index"/> to the leading coordinates of <paramref name="row"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void RowIndex(int row, Span<int> index)
    {
        for (var axis = index.Length - 1; axis >= 0; axis--)
        {
            index[axis] = row % LeadingExtents[axis];
            row /= LeadingExtents[axis];
        }
    }

    /// <summary>Advances <paramref name="index"/> to the next row in raster order.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void NextRow(Span<int> index)
    {
        for (var axis = index.Length - 1; axis >= 0; axis--)
        {
            if (++index[axis] < LeadingExtents[axis])
            {
                return;
            }

            index[axis] = 0;
        }
    }

    /// <summary>
    /// The offsets δ in {-1, 0, 1} over the leading axes whose first non-zero entry is -1 (rows earlier in raster order),
    /// with at most <paramref name="rank"/> non-zero entries; axes of extent 1 take no step (no neighbour exists there).
    /// With k non-zero entries, the row's diagonal neighbours (a further step along the row) count when k &lt; rank.
    /// </summary>
    private static RowNeighbor[]? EnumerateNeighbors(int[] extents, int rank)
    {
        var neighbors = new List<RowNeighbor>();
        var steps = new int[extents.Length];
        var strides = new int[extents.Length];
        var stride = 1;
        for (var axis = extents.Length - 1; axis >= 0; axis--)
        {
            strides[axis] = stride;
            stride *= Math.Max(1, extents[axis]);
        }

        void Visit(int axis, int nonZero, bool negativeSeen)
        {
            if (nonZero > rank || neighbors.Count > MaxNeighborRows)
            {
                return;
            }

            if (axis == extents.Length)
            {
                if (negativeSeen)
                {
                    var delta = 0;
                    uint low = 0, high = 0;
                    for (var a = 0; a < steps.Length; a++)
                    {
                        delta += steps[a] * strides[a];
                        low |= steps[a] < 0 ? 1u << a : 0;
                        high |= steps[a] > 0 ? 1u << a : 0;
                    }

                    neighbors.Add(new RowNeighbor(delta, low, high, nonZero < rank ? 1 : 0));
                }

                return;
            }

            steps[axis] = 0;
            Visit(axis + 1, nonZero, negativeSeen);
            if (extents[axis] <= 1)
            {
                return;
            }

            steps[axis] = -1;
            Visit(axis + 1, nonZero + 1, true);
            if (negativeSeen)
            {
                steps[axis] = 1;
                Visit(axis + 1, nonZero + 1, true);
            }

            steps[axis] = 0;
        }

        Visit(0, 0, false);
        return neighbors.Count > MaxNeighborRows ? null : neighbors.ToArray();
    }

    private static string Format(ReadOnlySpan<long> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";
}
