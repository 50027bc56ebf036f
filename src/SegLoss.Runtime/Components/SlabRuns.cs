using System;
using System.Buffers;
using System.Runtime.CompilerServices;

namespace SegLoss.Runtime.Components;

/// <summary>
/// The foreground runs of one slab (consecutive planes of one sample), in raster order, each its own provisional label
/// in a union-find forest: run <c>i</c> spans <c>[Start[i], End[i])</c> of its row, and <c>Parent[i] ≤ i</c> always, so
/// the root of a set is its first run in raster order. Arrays are rented from the shared pool; dispose to return them.
/// </summary>
internal sealed class SlabRuns : IDisposable
{
    public SlabRuns(int sample, int firstPlane, int planeCount, LabelingGeometry geometry)
    {
        Sample = sample;
        FirstPlane = firstPlane;
        FirstRow = firstPlane * geometry.RowsPerPlane;
        RowCount = planeCount * geometry.RowsPerPlane;
        RowStart = ArrayPool<int>.Shared.Rent(RowCount + 1);
        var capacity = (int)Math.Min((long)RowCount * ((geometry.Width + 1) / 2), 4L * RowCount + 64);
        Start = ArrayPool<int>.Shared.Rent(capacity);
        End = ArrayPool<int>.Shared.Rent(capacity);
        Parent = ArrayPool<int>.Shared.Rent(capacity);
    }

    /// <summary>The sample the slab belongs to.</summary>
    public int Sample { get; }

    /// <summary>The slab's first plane (index along axis 0).</summary>
    public int FirstPlane { get; }

    /// <summary>The slab's first row within its sample.</summary>
    public int FirstRow { get; }

    /// <summary>Rows in the slab.</summary>
    public int RowCount { get; }

    /// <summary>Per slab row, the index of its first run; entry <see cref="RowCount"/> is <see cref="Count"/>.</summary>
    public int[] RowStart { get; }

    /// <summary>Run starts within their row.</summary>
    public int[] Start { get; private set; }

    /// <summary>Run ends (exclusive) within their row.</summary>
    public int[] End { get; private set; }

    /// <summary>The union-find forest over the slab's runs.</summary>
    public int[] Parent { get; private set; }

    /// <summary>Runs found so far.</summary>
    public int Count { get; set; }

    /// <summary>The index of run 0 among all runs of the sample (slabs in raster order).</summary>
    public int Offset { get; set; }

    /// <summary>Makes room for <paramref name="more"/> further runs.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public void EnsureCapacity(int more)
    {
        if (Count + more > Start.Length)
        {
            Grow(more);
        }
    }

    public void Dispose()
    {
        ArrayPool<int>.Shared.Return(RowStart);
        ArrayPool<int>.Shared.Return(Start);
        ArrayPool<int>.Shared.Return(End);
        ArrayPool<int>.Shared.Return(Parent);
    }

    private void Grow(int more)
    {
        var capacity = (int)Math.Min(Math.Max(2L * Start.Length, (long)Count + more), Array.MaxLength);
        Start = Grow(Start, capacity, Count);
        End = Grow(End, capacity, Count);
        Parent = Grow(Parent, capacity, Count);
    }

    private static int[] Grow(int[] array, int capacity, int used)
    {
        var grown = ArrayPool<int>.Shared.Rent(capacity);
        Array.Copy(array, grown, used);
        ArrayPool<int>.Shared.Return(array);
        return grown;
    }
}
