using System;
using System.Buffers;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Threading.Tasks;
using SegLoss.Runtime.Components;
using static TorchSharp.torch;

namespace SegLoss.Runtime;

/// <summary>
/// Blob loss's instance voxels on the CPU: the flat index, sample-and-class and row of every valid instance voxel, in
/// pixel order, and the rows (distinct (sample, class, id) keys in increasing order) with their sizes. Found in one
/// parallel scan of an instance map, or written straight from the labeling's runs for a single channel's own
/// components, instead of a dozen full-size tensor operations and a sort (<see cref="BlobLayout"/> keeps those for other
/// devices).
/// </summary>
internal static unsafe class BlobMembers
{
    /// <summary>Voxels per chunk of the parallel scan (fixed, so the result never depends on the thread count).</summary>
    private const int ChunkVoxels = 1 << 16;

    /// <summary>Above this many (sample, class, id) keys the rows come from sorting the member keys, not a count table.</summary>
    internal const long MaxKeyTable = 1L << 22;

    private static readonly ThreadSwitch _tensorOperationsOnly = new();

    /// <summary>Which pixels lie in a class with instances, and the class of each.</summary>
    public enum ClassSource
    {
        /// <summary>Every voxel with an id (a single channel's own components), class 0.</summary>
        All,

        /// <summary>A bool mask <c>[N·X]</c>, class 0.</summary>
        Mask,

        /// <summary>A single channel's float32 target above 0.5, class 0.</summary>
        AboveHalf32,

        /// <summary>A single channel's float64 target above 0.5, class 0.</summary>
        AboveHalf64,

        /// <summary>Class indices <c>[N·X]</c> (int64): classes 1..C-1, class 0 has no instances.</summary>
        Labels,
    }

    /// <summary>
    /// The instance voxels (<c>[M]</c> int64 each: flat index n·X + x, n·C + c, row) and the rows (<c>[R]</c>: key
    /// n·C·span + c·span + id, size in the loss's dtype).
    /// </summary>
    public sealed record Layout(Tensor MemberIndex, Tensor MemberSampleClass, Tensor MemberRow, Tensor RowKeys, Tensor RowSize, long Span);

    /// <summary>Until disposed, blob layouts made on this thread use tensor operations (for comparisons in tests).</summary>
    public static IDisposable TensorOperationsOnly()
    {
        return _tensorOperationsOnly.Enter();
    }

    /// <summary>Whether the CPU scans are on for this thread (<see cref="TensorOperationsOnly"/> turns them off).</summary>
    public static bool Enabled => !_tensorOperationsOnly.IsOn;

    /// <summary>Whether the scan can read these tensors (contiguous CPU memory of the types it knows).</summary>
    public static bool Supports(Tensor ids, Tensor? classes, ClassSource source, Tensor? valid) =>
        !_tensorOperationsOnly.IsOn && ids.device_type == TorchSharp.DeviceType.CPU && ids.is_contiguous() && ids.dtype is ScalarType.Int32 or ScalarType.Int64
        && (classes is null || (classes.device_type == TorchSharp.DeviceType.CPU && classes.is_contiguous() && classes.dtype == SourceType(source)))
        && (valid is null || (valid.device_type == TorchSharp.DeviceType.CPU && valid.is_contiguous() && valid.dtype == ScalarType.Bool));

    /// <summary>
    /// The instance voxels of ids <c>[N·X]</c> (0 for none; a negative id throws): those with an id, in a class with
    /// instances (<paramref name="classes"/> read as <paramref name="source"/> says) and valid (<paramref name="valid"/>,
    /// bool, or null for all).
    /// </summary>
    public static Layout Find(Tensor ids, Tensor? classes, ClassSource source, Tensor? valid, long samples, long classCount, long pixels, ScalarType sizeType)
    {
        if (ids.NumberOfElements == 0)
        {
            return Empty(sizeType);
        }

        var classAddress = classes is null ? 0 : (nint)TensorMemory.Address<byte>(classes);
        var validAddress = valid is null ? 0 : (nint)TensorMemory.Address<byte>(valid);
        return ids.dtype == ScalarType.Int32
            ? Find((nint)TensorMemory.Address<int>(ids), ids.NumberOfElements, classAddress, source, validAddress, samples, classCount, pixels, sizeType, default(int))
            : Find((nint)TensorMemory.Address<long>(ids), ids.NumberOfElements, classAddress, source, validAddress, samples, classCount, pixels, sizeType, default(long));
    }

    /// <summary>
    /// The layout of a single channel's own components (every voxel valid): the runs the labeling finds are written
    /// out as members directly, with no label volume. Rows are the components, sample by sample, in label order.
    /// </summary>
    public static Layout FromComponents(Tensor foreground, Connectivity connectivity, ScalarType sizeType)
    {
        ComponentMembers? members = null;
        var (counts, sizes) = ConnectedComponents.VisitRuns(foreground, connectivity, geometry => members = new ComponentMembers(geometry));
        if (members?.MemberIndex is null)
        {
            return Empty(sizeType);
        }

        long span = 1;
        foreach (var count in counts)
        {
            span = Math.Max(span, count + 1L);
        }

        var rows = (int)members.Rows;
        var rowKeys = new long[rows];
        var rowSize = new long[rows];
        var row = 0;
        for (var sample = 0; sample < counts.Length; sample++)
        {
            for (var label = 1; label <= counts[sample]; label++)
            {
                rowKeys[row] = sample * span + label;
                rowSize[row++] = sizes[sample][label];
            }
        }

        return new Layout(members.MemberIndex, members.MemberSample!, members.MemberRow!, tensor(rowKeys), tensor(rowSize).to_type(sizeType), span);
    }

    private static ScalarType SourceType(ClassSource source) => source switch
    {
        ClassSource.AboveHalf32 => ScalarType.Float32,
        ClassSource.AboveHalf64 => ScalarType.Float64,
        ClassSource.Labels => ScalarType.Int64,
        _ => ScalarType.Bool,
    };

    private static Layout Find<T>(nint ids, long voxels, nint classes, ClassSource source, nint valid, long samples, long classCount, long pixels, ScalarType sizeType, T _)
        where T : unmanaged, IBinaryInteger<T>
    {
        var chunks = (int)((voxels + ChunkVoxels - 1) / ChunkVoxels);
        var found = new long[chunks][];
        var counts = new int[chunks];
        var maxima = new long[chunks];
        var negative = false;
        try
        {
            // The one pass over the ids: each chunk keeps the flat indices of its members and their largest id.
            Parallel.For(0, chunks, chunk =>
            {
                var (count, max, anyNegative) = Scan((T*)ids, chunk, voxels, classes, source, valid, found);
                counts[chunk] = count;
                maxima[chunk] = max;
                if (anyNegative)
                {
                    negative = true;
                }
            });

            if (negative)
            {
                throw new ArgumentException("instances holds a negative id; use 0 for no instance.", "instances");
            }

            var offsets = new long[chunks + 1];
            long span = 1;
            for (var chunk = 0; chunk < chunks; chunk++)
            {
                offsets[chunk + 1] = offsets[chunk] + counts[chunk];
                span = Math.Max(span, maxima[chunk] + 1);
            }

            var members = offsets[chunks];
            if (members == 0)
            {
                return Empty(sizeType);
            }

            // The members in pixel order, with sample-and-class and key (sample-and-class·span + id, or the id alone
            // when the keys are too many for a count table; the table turns keys into rows in place).
            var keyCount = samples * classCount;
            var table = span <= MaxKeyTable / keyCount;
            var memberIndex = empty(members, ScalarType.Int64);
            var memberSampleClass = empty(members, ScalarType.Int64);
            var memberKeys = empty(members, ScalarType.Int64);
            var (indexAddress, sampleClassAddress, keyAddress) = ((nint)TensorMemory.Address<long>(memberIndex), (nint)TensorMemory.Address<long>(memberSampleClass), (nint)TensorMemory.Address<long>(memberKeys));
            Parallel.For(0, chunks, chunk =>
            {
                var list = found[chunk];
                if (list is null)
                {
                    return;
                }

                var offset = offsets[chunk];
                var index = (long*)indexAddress + offset;
                var sampleClass = (long*)sampleClassAddress + offset;
                var key = (long*)keyAddress + offset;
                var keySpan = table ? span : 0;

                // Members ascend: the sample advances at each boundary (no division per member).
                var sample = list[0] / pixels;
                var next = (sample + 1) * pixels;
                for (var k = 0; k < counts[chunk]; k++)
                {
                    var i = list[k];
                    while (i >= next)
                    {
                        sample++;
                        next += pixels;
                    }

                    index[k] = i;
                    var sc = sample * classCount + (source == ClassSource.Labels ? ((long*)classes)[i] : 0);
                    sampleClass[k] = sc;
                    key[k] = sc * keySpan + long.CreateTruncating(((T*)ids)[i]);
                }
            });

            if (table)
            {
                return Table(memberIndex, memberSampleClass, memberKeys, keyCount * span, span, sizeType);
            }

            // Large ids: replaced by their ranks among the member ids (same order), then the keys sorted.
            var (distinct, rank, _) = memberKeys.unique(sorted: true, return_inverse: true);
            span = distinct.numel() + 1;
            var (unique, inverse, sizes) = (memberSampleClass * span + rank! + 1).unique(sorted: true, return_inverse: true, return_counts: true);
            return new Layout(memberIndex, memberSampleClass, inverse!, unique, sizes!.to_type(sizeType), span);
        }
        finally
        {
            foreach (var list in found)
            {
                if (list is not null)
                {
                    ArrayPool<long>.Shared.Return(list);
                }
            }
        }
    }

    /// <summary>
    /// Rows through a count table of the keys (<c>[M]</c>, turned into each member's row in place): the present keys
    /// in increasing order.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static Layout Table(Tensor memberIndex, Tensor memberSampleClass, Tensor memberKeys, long keys, long span, ScalarType sizeType)
    {
        var members = memberKeys.numel();
        var memberKey = TensorMemory.Address<long>(memberKeys);
        var table = new int[keys];
        for (long k = 0; k < members; k++)
        {
            table[memberKey[k]]++;
        }

        var rows = 0;
        for (long key = 0; key < keys; key++)
        {
            if (table[key] > 0)
            {
                rows++;
            }
        }

        var rowKeys = new long[rows];
        var rowSize = new long[rows];
        var row = 0;
        for (long key = 0; key < keys; key++)
        {
            if (table[key] > 0)
            {
                rowKeys[row] = key;
                rowSize[row] = table[key];
                table[key] = row++;
            }
        }

        for (long k = 0; k < members; k++)
        {
            memberKey[k] = table[memberKey[k]];
        }

        return new Layout(memberIndex, memberSampleClass, memberKeys, tensor(rowKeys), tensor(rowSize).to_type(sizeType), span);
    }

    private static Layout Empty(ScalarType sizeType)
    {
        var none = empty(0, ScalarType.Int64);
        return new Layout(none, none, none, none, empty(0, sizeType), 1);
    }

    /// <summary>
    /// One chunk: the flat indices of its members (into <c>found[chunk]</c>, rented and grown as needed), their count,
    /// largest id and whether any id is negative. Blocks of zero ids are skipped a vector at a time.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static (int Count, long Max, bool Negative) Scan<T>(T* ids, int chunk, long voxels, nint classes, ClassSource source, nint valid, long[][] found)
        where T : unmanaged, IBinaryInteger<T>
    {
        var begin = (long)chunk * ChunkVoxels;
        var end = Math.Min(voxels, begin + ChunkVoxels);
        var validMask = (byte*)valid;
        var count = 0;
        long max = 0;
        var negative = false;
        long[]? list = null;
        var i = begin;
        if (Vector256.IsHardwareAccelerated)
        {
            // A vector of ids at a time: a block of zeros (most of the image) costs one compare.
            var width = Vector256<T>.Count;
            for (; i + width <= end; i += width)
            {
                if (Vector256.Load(ids + i) == Vector256<T>.Zero)
                {
                    continue;
                }

                for (var voxel = i; voxel < i + width; voxel++)
                {
                    var id = long.CreateTruncating(ids[voxel]);
                    negative |= id < 0;
                    if (id > 0)
                    {
                        Visit(voxel, id);
                    }
                }
            }
        }

        for (; i < end; i++)
        {
            var id = long.CreateTruncating(ids[i]);
            negative |= id < 0;
            if (id > 0)
            {
                Visit(i, id);
            }
        }

        return (count, max, negative);

        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        void Visit(long voxel, long id)
        {
            if ((validMask == null || validMask[voxel] != 0) && InClass(classes, source, voxel))
            {
                if (list is null || count == list.Length)
                {
                    list = Grow(list, count);
                    found[chunk] = list;
                }

                list[count++] = voxel;
                max = Math.Max(max, id);
            }
        }
    }

    /// <summary>A rented list twice as long (at least 1024) holding the first <paramref name="count"/> entries.</summary>
    private static long[] Grow(long[]? list, int count)
    {
        var larger = ArrayPool<long>.Shared.Rent(Math.Max(1024, 2 * count));
        if (list is not null)
        {
            Array.Copy(list, larger, count);
            ArrayPool<long>.Shared.Return(list);
        }

        return larger;
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool InClass(nint classes, ClassSource source, long i)
    {
        switch (source)
        {
            case ClassSource.All:
                return true;
            case ClassSource.Mask:
                return ((byte*)classes)[i] != 0;
            case ClassSource.AboveHalf32:
                return ((float*)classes)[i] > 0.5f;
            case ClassSource.AboveHalf64:
                return ((double*)classes)[i] > 0.5;
            default:
                return ((long*)classes)[i] != 0;
        }
    }

    /// <summary>Writes the voxels of every run, in pixel order, with its sample and its component's row.</summary>
    private sealed class ComponentMembers(LabelingGeometry geometry) : IRunVisitor
    {
        private readonly Dictionary<SlabRuns, long> _offsets = new(ReferenceEqualityComparer.Instance);
        private long[] _rowOffsets = Array.Empty<long>();
        private nint _index;
        private nint _sample;
        private nint _row;

        public Tensor? MemberIndex { get; private set; }

        public Tensor? MemberSample { get; private set; }

        public Tensor? MemberRow { get; private set; }

        public long Rows { get; private set; }

        public void Prepare(SlabRuns[] slabs, int[] counts)
        {
            long members = 0;
            foreach (var slab in slabs)
            {
                _offsets[slab] = members;
                for (var run = 0; run < slab.Count; run++)
                {
                    members += slab.End[run] - slab.Start[run];
                }
            }

            _rowOffsets = new long[counts.Length];
            for (var sample = 0; sample < counts.Length; sample++)
            {
                _rowOffsets[sample] = Rows;
                Rows += counts[sample];
            }

            if (members == 0)
            {
                return;
            }

            // Made inside the labeling's dispose scope: moved out to the caller's.
            MemberIndex = empty(members, ScalarType.Int64).MoveToOuterDisposeScope();
            MemberSample = empty(members, ScalarType.Int64).MoveToOuterDisposeScope();
            MemberRow = empty(members, ScalarType.Int64).MoveToOuterDisposeScope();
            _index = (nint)TensorMemory.Address<long>(MemberIndex);
            _sample = (nint)TensorMemory.Address<long>(MemberSample);
            _row = (nint)TensorMemory.Address<long>(MemberRow);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Visit(SlabRuns slab, int[] forest)
        {
            if (MemberIndex is null)
            {
                return;
            }

            var k = _offsets[slab];
            var index = (long*)_index;
            var sample = (long*)_sample;
            var row = (long*)_row;
            var width = geometry.Width;
            var sampleBase = (long)slab.Sample * geometry.Voxels;
            var rowOffset = _rowOffsets[slab.Sample] - 1;
            for (var local = 0; local < slab.RowCount; local++)
            {
                var rowBase = sampleBase + (long)(slab.FirstRow + local) * width;
                for (var run = slab.RowStart[local]; run < slab.RowStart[local + 1]; run++)
                {
                    var memberRow = rowOffset + forest[slab.Offset + run];
                    for (var x = slab.Start[run]; x < slab.End[run]; x++)
                    {
                        index[k] = rowBase + x;
                        sample[k] = slab.Sample;
                        row[k++] = memberRow;
                    }
                }
            }
        }
    }
}
