using System;
using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;

namespace SegLoss.Runtime.Components;

/// <summary>
/// Run-based connected-component labeling of a batch of samples of one geometry, laid out one after another.
/// </summary>
/// <remarks>
/// <para>Pass 1, per slab (whole planes along axis 0) in parallel: the foreground runs of each row, in raster order,
/// each a provisional label, united with the touching runs of the slab's earlier rows (union-find, smaller root wins).
/// Then per sample: the slabs' forests side by side (slab order is raster order), united across slab boundaries, and
/// flattened: roots in increasing order become 1..K. Pass 2, per slab in parallel: every row written once.</para>
/// <para>The root of a component is its first run in raster order, so labels follow the raster order of each
/// component's first voxel, as scipy's <c>ndimage.label</c> numbers them, whatever the slab cut or thread count.</para>
/// </remarks>
internal static unsafe class RunLabeler
{
    /// <summary>
    /// Labels <paramref name="samples"/> samples: <paramref name="mask"/> and <paramref name="labels"/> each hold
    /// <c>samples × geometry.Voxels</c> elements. Fills <paramref name="counts"/> (one per sample) and, when given,
    /// <paramref name="sizes"/> (per sample, voxels per label, index 0 the background).
    /// </summary>
    public static void Label<T>(byte* mask, T* labels, int samples, LabelingGeometry geometry, LabelingSettings settings, int[] counts, int[][]? sizes)
        where T : unmanaged, IBinaryInteger<T>
    {
        var labelsAddress = (nint)labels;
        Label(mask, samples, geometry, settings, counts, sizes, new LabelWriter<T>(labelsAddress, geometry));
    }

    /// <summary>
    /// Labels like <see cref="Label{T}(byte*, T*, int, LabelingGeometry, LabelingSettings, int[], int[][])"/> but writes
    /// nothing: <paramref name="visitor"/> sees every slab's runs with their final labels instead.
    /// </summary>
    public static void Label(byte* mask, int samples, LabelingGeometry geometry, LabelingSettings settings, int[] counts, int[][]? sizes, IRunVisitor visitor)
    {
        if (samples == 0)
        {
            return;
        }

        if (geometry.Voxels == 0)
        {
            for (var sample = 0; sample < samples; sample++)
            {
                counts[sample] = 0;
                if (sizes is not null)
                {
                    sizes[sample] = new int[1];
                }
            }

            return;
        }

        var slabs = CutSlabs(samples, geometry, settings.SlabVoxels);
        var perSample = slabs.Length / samples;
        var forests = new int[samples][];
        var options = new ParallelOptions
        {
            MaxDegreeOfParallelism = (long)samples * geometry.Voxels < settings.SerialBelow ? 1 : settings.MaxDegreeOfParallelism,
        };
        var maskAddress = (nint)mask;
        try
        {
            For(slabs.Length, options, i =>
            {
                var slab = slabs[i];
                SlabScanner.Scan((byte*)maskAddress + (long)slab.Sample * geometry.Voxels, geometry, slab);
            });
            For(samples, options, sample =>
            {
                var (forest, count) = Resolve(geometry, slabs.AsSpan(sample * perSample, perSample));
                forests[sample] = forest;
                counts[sample] = count;
                if (sizes is not null)
                {
                    sizes[sample] = Sizes(geometry, slabs.AsSpan(sample * perSample, perSample), forest, count);
                }
            });
            visitor.Prepare(slabs, counts);
            For(slabs.Length, options, i => visitor.Visit(slabs[i], forests[slabs[i].Sample]));
        }
        finally
        {
            foreach (var slab in slabs)
            {
                slab?.Dispose();
            }

            foreach (var forest in forests)
            {
                if (forest is not null)
                {
                    ArrayPool<int>.Shared.Return(forest);
                }
            }
        }
    }

    /// <summary>Every sample cut the same way: slabs of whole planes with at least <paramref name="slabVoxels"/> voxels.</summary>
    private static SlabRuns[] CutSlabs(int samples, LabelingGeometry geometry, int slabVoxels)
    {
        var planeVoxels = (long)geometry.RowsPerPlane * geometry.Width;
        var planesPerSlab = (int)Math.Clamp((slabVoxels + planeVoxels - 1) / planeVoxels, 1, geometry.Planes);
        var perSample = (geometry.Planes + planesPerSlab - 1) / planesPerSlab;
        var slabs = new SlabRuns[samples * perSample];
        for (var sample = 0; sample < samples; sample++)
        {
            for (var s = 0; s < perSample; s++)
            {
                var first = s * planesPerSlab;
                slabs[sample * perSample + s] = new SlabRuns(sample, first, Math.Min(planesPerSlab, geometry.Planes - first), geometry);
            }
        }

        return slabs;
    }

    /// <summary>
    /// One sample's forest over all its runs (slab forests side by side, joined across slab boundaries), flattened to
    /// final labels. Returns the forest (rented) and the number of components.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (int[] Forest, int Count) Resolve(LabelingGeometry geometry, ReadOnlySpan<SlabRuns> slabs)
    {
        var total = 0;
        foreach (var slab in slabs)
        {
            slab.Offset = total;
            total += slab.Count;
        }

        var forest = ArrayPool<int>.Shared.Rent(Math.Max(1, total));
        foreach (var slab in slabs)
        {
            var parent = slab.Parent;
            for (var i = 0; i < slab.Count; i++)
            {
                forest[slab.Offset + i] = slab.Offset + parent[i];
            }
        }

        for (var s = 1; s < slabs.Length; s++)
        {
            SlabScanner.JoinAcross(geometry, slabs[s - 1], slabs[s], forest);
        }

        return (forest, UnionFind.Flatten(forest, total));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static int[] Sizes(LabelingGeometry geometry, ReadOnlySpan<SlabRuns> slabs, int[] forest, int count)
    {
        var sizes = new int[count + 1];
        var foreground = 0;
        foreach (var slab in slabs)
        {
            for (var i = 0; i < slab.Count; i++)
            {
                var length = slab.End[i] - slab.Start[i];
                sizes[forest[slab.Offset + i]] += length;
                foreground += length;
            }
        }

        sizes[0] = geometry.Voxels - foreground;
        return sizes;
    }

    /// <summary>Pass 2: every voxel of the slab's rows written once, background 0, runs their component's label.</summary>
    private sealed class LabelWriter<T>(nint labels, LabelingGeometry geometry) : IRunVisitor
        where T : unmanaged, IBinaryInteger<T>
    {
        public void Prepare(SlabRuns[] slabs, int[] counts)
        {
        }

        public void Visit(SlabRuns slab, int[] forest) => Write((T*)labels + (long)slab.Sample * geometry.Voxels, geometry, slab, forest);
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Write<T>(T* labels, LabelingGeometry geometry, SlabRuns slab, int[] forest)
        where T : unmanaged, IBinaryInteger<T>
    {
        var width = geometry.Width;
        var start = slab.Start;
        var end = slab.End;
        var rowStart = slab.RowStart;
        for (var local = 0; local < slab.RowCount; local++)
        {
            var row = labels + (long)(slab.FirstRow + local) * width;
            var x = 0;
            for (var run = rowStart[local]; run < rowStart[local + 1]; run++)
            {
                new Span<T>(row + x, start[run] - x).Clear();
                x = end[run];
                new Span<T>(row + start[run], x - start[run]).Fill(T.CreateTruncating(forest[slab.Offset + run]));
            }

            new Span<T>(row + x, width - x).Clear();
        }
    }

    private static void For(int count, ParallelOptions options, Action<int> body)
    {
        if (options.MaxDegreeOfParallelism == 1 || count == 1)
        {
            for (var i = 0; i < count; i++)
            {
                body(i);
            }

            return;
        }

        Parallel.For(0, count, options, body);
    }
}

/// <summary>What the labeling does with the numbered runs (write labels, or collect the voxels of each component).</summary>
internal interface IRunVisitor
{
    /// <summary>
    /// Once, after every sample's components are numbered: all slabs (sample by sample, each sample's in raster order)
    /// and the component count of each sample.
    /// </summary>
    void Prepare(SlabRuns[] slabs, int[] counts);

    /// <summary>
    /// Per slab, in parallel: run <c>i</c> of the slab belongs to component <c>forest[slab.Offset + i]</c> (1..K). The
    /// forest is returned to the pool afterwards.
    /// </summary>
    void Visit(SlabRuns slab, int[] forest);
}
