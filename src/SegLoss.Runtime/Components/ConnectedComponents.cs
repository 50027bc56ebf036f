using System;
using TorchSharp;
using static TorchSharp.torch;

namespace SegLoss.Runtime.Components;

/// <summary>
/// Connected-component labeling of binary masks, numbered exactly as scipy's <c>ndimage.label</c> with
/// <c>generate_binary_structure(ndim, rank)</c>: background 0, components 1..K in raster order (row-major, last axis
/// fastest) of their first voxel. Any number of spatial dimensions; 2D 4/8 and 3D 6/18/26 connectivity through
/// <see cref="Connectivity"/>.
/// </summary>
/// <remarks>
/// A run-based union-find labeling: the foreground runs of every row (found 64 voxels at a time) are united with the
/// touching runs of the earlier rows the connectivity reaches, slabs of planes in parallel, then every voxel is written
/// once. Samples of a batch are independent and processed in parallel too. The result does not depend on the thread
/// count or on how the work is split. A non-zero mask value is foreground (NaN included).
/// </remarks>
public static class ConnectedComponents
{
    /// <summary>Labels the components of one mask (row-major, <paramref name="shape"/>; non-zero bytes are foreground).</summary>
    /// <param name="mask">One byte per voxel; a <c>bool</c> span can be passed as <c>MemoryMarshal.AsBytes(span)</c>.</param>
    /// <param name="shape">The spatial shape (1 to 32 axes); its product must equal the mask length.</param>
    /// <param name="connectivity">Which voxels touch, e.g. <see cref="Connectivity.C26"/>.</param>
    /// <exception cref="ArgumentException">The shape does not match the mask or the connectivity, or the connectivity is the default value.</exception>
    public static ComponentLabeling Label(ReadOnlySpan<byte> mask, ReadOnlySpan<int> shape, Connectivity connectivity)
    {
        var geometry = Geometry(mask.Length, shape, connectivity);
        var labels = GC.AllocateUninitializedArray<int>(geometry.Voxels);
        var sizes = new int[1][];
        var count = Label(mask, geometry, labels, sizes, LabelingSettings.Default);
        return new ComponentLabeling(labels, count, sizes[0]);
    }

    /// <summary>
    /// Writes the labels of one mask into <paramref name="labels"/> (same length as the mask) and returns the number of
    /// components K. Labels are 0 for background and 1..K in raster order of each component's first voxel.
    /// </summary>
    /// <exception cref="ArgumentException">The shape does not match the mask, the labels or the connectivity.</exception>
    public static int Label(ReadOnlySpan<byte> mask, ReadOnlySpan<int> shape, Connectivity connectivity, Span<int> labels)
    {
        var geometry = Geometry(mask.Length, shape, connectivity);
        if (labels.Length != mask.Length)
        {
            throw new ArgumentException($"labels has {labels.Length} elements but the mask has {mask.Length}.", nameof(labels));
        }

        return Label(mask, geometry, labels, null, LabelingSettings.Default);
    }

    /// <summary>
    /// Labels every sample of a batch on its own. The mask is <c>[N, *spatial]</c>, or <c>[N, 1, *spatial]</c> when the
    /// connectivity fixes the spatial dimension (<see cref="Connectivity.C4"/> … <see cref="Connectivity.C26"/>); with
    /// <see cref="Connectivity.Face"/>, <see cref="Connectivity.Full"/> or a rank, every axis after N is spatial, and a
    /// size-1 channel axis then changes nothing. Any dtype but complex: non-zero is foreground. Any device: the labeling
    /// runs on the CPU and the labels come back to the mask's device.
    /// </summary>
    /// <returns>int64 labels of the mask's shape (1..K_n per sample n, 0 background), counts and sizes per sample.</returns>
    /// <exception cref="ArgumentException">Wrong rank or dtype for the connectivity, or a sample over 2³¹ − 1 voxels.</exception>
    public static BatchLabeling Label(Tensor mask, Connectivity connectivity) => Label(mask, connectivity, LabelingSettings.Default);

    internal static BatchLabeling Label(Tensor mask, Connectivity connectivity, LabelingSettings settings) =>
        Label(mask, connectivity, settings, ScalarType.Int64);

    /// <summary>The same with int32 or int64 labels (int32 halves the memory written; callers inside the library).</summary>
    internal static BatchLabeling Label(Tensor mask, Connectivity connectivity, LabelingSettings settings, ScalarType labelType)
    {
        if (labelType is not (ScalarType.Int32 or ScalarType.Int64))
        {
            throw new ArgumentException($"labels are int32 or int64, not {labelType}.", nameof(labelType));
        }

        var (geometry, samples) = Geometry(mask, connectivity);
        var counts = new int[samples];
        var sizes = new int[samples][];

        using var scope = NewDisposeScope();
        var bytes = ForegroundBytes(mask);
        var labels = empty(mask.shape, labelType);
        if ((long)samples * geometry.Voxels > 0)
        {
            unsafe
            {
                if (labelType == ScalarType.Int32)
                {
                    RunLabeler.Label(TensorMemory.Address<byte>(bytes), TensorMemory.Address<int>(labels), samples, geometry, settings, counts, sizes);
                }
                else
                {
                    RunLabeler.Label(TensorMemory.Address<byte>(bytes), TensorMemory.Address<long>(labels), samples, geometry, settings, counts, sizes);
                }
            }
        }
        else
        {
            for (var sample = 0; sample < samples; sample++)
            {
                sizes[sample] = new int[1];
            }
        }

        var result = mask.device_type == DeviceType.CPU ? labels : labels.to(mask.device);
        return new BatchLabeling(result.MoveToOuterDisposeScope(), counts, sizes);
    }

    /// <summary>The geometry of each sample of <paramref name="mask"/> and the number of samples (checked).</summary>
    private static (LabelingGeometry Geometry, int Samples) Geometry(Tensor mask, Connectivity connectivity)
    {
        var geometry = new LabelingGeometry(SpatialShape(mask, connectivity), connectivity, nameof(mask));
        var samples = mask.shape[0] <= int.MaxValue
            ? (int)mask.shape[0]
            : throw new ArgumentException($"a batch of {mask.shape[0]} samples is too large.", nameof(mask));
        return (geometry, samples);
    }

    /// <summary>
    /// Labels every sample of a mask (as <see cref="Label(Tensor, Connectivity)"/> reads it) without writing labels: the
    /// visitor made for the geometry sees each slab's runs with their final labels. Returns counts and sizes per sample.
    /// </summary>
    internal static (int[] Counts, int[][] Sizes) VisitRuns(Tensor mask, Connectivity connectivity, Func<LabelingGeometry, IRunVisitor> visitor)
    {
        var (geometry, samples) = Geometry(mask, connectivity);
        var counts = new int[samples];
        var sizes = new int[samples][];
        using var scope = NewDisposeScope();
        var bytes = ForegroundBytes(mask);
        unsafe
        {
            var address = (long)samples * geometry.Voxels > 0 ? TensorMemory.Address<byte>(bytes) : null;
            RunLabeler.Label(address, samples, geometry, LabelingSettings.Default, counts, sizes, visitor(geometry));
        }

        return (counts, sizes);
    }

    internal static unsafe int Label(ReadOnlySpan<byte> mask, LabelingGeometry geometry, Span<int> labels, int[][]? sizes, LabelingSettings settings)
    {
        var counts = new int[1];
        fixed (byte* maskPointer = mask)
        fixed (int* labelPointer = labels)
        {
            RunLabeler.Label(maskPointer, labelPointer, 1, geometry, settings, counts, sizes);
        }

        return counts[0];
    }

    internal static LabelingGeometry Geometry(int maskLength, ReadOnlySpan<int> shape, Connectivity connectivity)
    {
        var extents = new long[shape.Length];
        long product = 1;
        for (var axis = 0; axis < shape.Length; axis++)
        {
            extents[axis] = shape[axis];
            product *= Math.Max(0, shape[axis]);
        }

        var geometry = new LabelingGeometry(extents, connectivity, nameof(shape));
        if (product != maskLength)
        {
            throw new ArgumentException(
                $"shape [{string.Join(", ", shape.ToArray())}] has {product} voxels but the mask has {maskLength}.", nameof(shape));
        }

        return geometry;
    }

    /// <summary>The spatial shape of a <c>[N, *spatial]</c> or <c>[N, 1, *spatial]</c> mask under the connectivity.</summary>
    private static long[] SpatialShape(Tensor mask, Connectivity connectivity)
    {
        var shape = mask.shape;
        var dimensions = connectivity.Dimensions;
        if (dimensions == 0 && shape.Length >= 2)
        {
            return shape[1..];
        }

        if (dimensions > 0 && shape.Length == dimensions + 1)
        {
            return shape[1..];
        }

        if (dimensions > 0 && shape.Length == dimensions + 2 && shape[1] == 1)
        {
            return shape[2..];
        }

        var expected = dimensions == 0
            ? "[N, *spatial] with at least one spatial dimension"
            : $"[N, *spatial] or [N, 1, *spatial] with {dimensions} spatial dimensions for connectivity {connectivity}";
        throw new ArgumentException($"mask must be {expected}; got shape {TensorShapes.Format(shape)}.", nameof(mask));
    }

    /// <summary>A contiguous CPU tensor of one byte per element, non-zero where the mask is non-zero.</summary>
    private static Tensor ForegroundBytes(Tensor mask)
    {
        var type = mask.dtype;
        if (type != ScalarType.Bool && !TensorShapes.IsInteger(type) && !TensorShapes.IsFloating(type))
        {
            throw new ArgumentException($"mask must be a real or boolean tensor; got {type}.", nameof(mask));
        }

        var cpu = mask.device_type == DeviceType.CPU ? mask : mask.cpu();
        return type is ScalarType.Bool or ScalarType.Byte or ScalarType.Int8 ? cpu.contiguous() : cpu.ne(0).contiguous();
    }
}
