using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SegLoss.Runtime.Components;

/// <summary>
/// The first pass over a slab: each row's runs, each joined with the touching runs of the earlier rows of the same slab
/// that the connectivity reaches. Rows in the slab before are joined later (<see cref="JoinAcross"/>).
/// </summary>
internal static unsafe class SlabScanner
{
    /// <summary>Finds and joins the runs of <paramref name="slab"/> in the sample mask starting at <paramref name="mask"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Scan(byte* mask, LabelingGeometry geometry, SlabRuns slab)
    {
        var width = geometry.Width;
        var neighbors = geometry.Neighbors;
        var rowStart = slab.RowStart;
        Span<int> index = stackalloc int[geometry.LeadingExtents.Length];
        geometry.RowIndex(slab.FirstRow, index);
        slab.Count = 0;
        for (var local = 0; local < slab.RowCount; local++)
        {
            var first = slab.Count;
            rowStart[local] = first;
            slab.EnsureCapacity((width + 1) / 2);
            RowRuns.Append(mask + (long)(slab.FirstRow + local) * width, width, slab);
            if (slab.Count != first && neighbors.Length != 0)
            {
                geometry.Bounds(index, slab.FirstPlane, out var atLow, out var atHigh);
                foreach (var neighbor in neighbors)
                {
                    if (((neighbor.LowMask & atLow) | (neighbor.HighMask & atHigh)) == 0)
                    {
                        var other = local + neighbor.RowDelta;
                        Join(slab.Start, slab.End, slab.Parent, first, slab.Count, rowStart[other], rowStart[other + 1], neighbor.Widen);
                    }
                }
            }

            geometry.NextRow(index);
        }

        rowStart[slab.RowCount] = slab.Count;
    }

    /// <summary>
    /// Joins the first rows of <paramref name="slab"/> with the last rows of <paramref name="before"/> (the previous slab of
    /// the same sample) in <paramref name="parent"/>, the forest over all runs of the sample.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void JoinAcross(LabelingGeometry geometry, SlabRuns before, SlabRuns slab, int[] parent)
    {
        Span<int> index = stackalloc int[geometry.LeadingExtents.Length];
        geometry.RowIndex(slab.FirstRow, index);
        for (var local = 0; local < geometry.RowsPerPlane; local++)
        {
            var first = slab.RowStart[local];
            var last = slab.RowStart[local + 1];
            if (first != last)
            {
                geometry.Bounds(index, 0, out var atLow, out var atHigh);
                foreach (var neighbor in geometry.Neighbors)
                {
                    if (neighbor.CrossesPlane && ((neighbor.LowMask & atLow) | (neighbor.HighMask & atHigh)) == 0)
                    {
                        var other = slab.FirstRow + local + neighbor.RowDelta - before.FirstRow;
                        JoinRowsAcross(slab, first, last, before, before.RowStart[other], before.RowStart[other + 1], neighbor.Widen, parent);
                    }
                }
            }

            geometry.NextRow(index);
        }
    }

    /// <summary>
    /// Unites runs <c>[a, aEnd)</c> of one row with runs <c>[b, bEnd)</c> of an earlier row wherever they touch: two runs
    /// touch when they overlap after growing by <paramref name="widen"/> voxels (0 or 1) on each side. Indices are within
    /// the slab's arrays (checked by construction, so the loop reads them unchecked).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Join(int[] starts, int[] ends, int[] parents, int a, int aEnd, int b, int bEnd, int widen)
    {
        ref var start = ref MemoryMarshal.GetArrayDataReference(starts);
        ref var end = ref MemoryMarshal.GetArrayDataReference(ends);
        ref var parent = ref MemoryMarshal.GetArrayDataReference(parents);

        // The root of run a, found once per run: a union keeps it a root or replaces it by the smaller one.
        var rootA = -1;
        while (a < aEnd && b < bEnd)
        {
            var endA = Unsafe.Add(ref end, a);
            var endB = Unsafe.Add(ref end, b);
            if (endA + widen <= Unsafe.Add(ref start, b))
            {
                a++;
                rootA = -1;
            }
            else if (endB + widen <= Unsafe.Add(ref start, a))
            {
                b++;
            }
            else
            {
                if (rootA < 0)
                {
                    rootA = UnionFind.Find(ref parent, a);
                }

                var rootB = UnionFind.Find(ref parent, b);
                if (rootB < rootA)
                {
                    Unsafe.Add(ref parent, rootA) = rootB;
                    rootA = rootB;
                }
                else if (rootA < rootB)
                {
                    Unsafe.Add(ref parent, rootB) = rootA;
                }

                // The run that ends first cannot touch the other row's next run.
                if (endA < endB)
                {
                    a++;
                    rootA = -1;
                }
                else
                {
                    b++;
                }
            }
        }
    }

    private static void JoinRowsAcross(SlabRuns slab, int a, int aEnd, SlabRuns before, int b, int bEnd, int widen, int[] parent)
    {
        while (a < aEnd && b < bEnd)
        {
            if (slab.End[a] + widen <= before.Start[b])
            {
                a++;
            }
            else if (before.End[b] + widen <= slab.Start[a])
            {
                b++;
            }
            else
            {
                UnionFind.Union(parent, slab.Offset + a, before.Offset + b);
                if (slab.End[a] < before.End[b])
                {
                    a++;
                }
                else
                {
                    b++;
                }
            }
        }
    }
}
