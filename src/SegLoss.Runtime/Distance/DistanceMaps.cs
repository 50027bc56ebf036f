using System;
using System.Buffers;

namespace SegLoss.Runtime.Distance;

/// <summary>
/// Distance maps in the conventions of the loss references (<see cref="DistanceMapConvention"/>), built from two exact
/// distance transforms per volume (of the mask and of its complement). Shapes, spacing and options are those of
/// <see cref="EuclideanDistanceTransform"/>.
/// </summary>
public static partial class DistanceMaps
{
    /// <summary>The map of one volume whose every axis is spatial, in double precision.</summary>
    /// <param name="mask">The mask, row-major; nonzero is foreground.</param>
    /// <param name="shape">The spatial shape.</param>
    /// <param name="convention">Which reference's map.</param>
    /// <param name="spacing">One voxel size per axis, or empty for unit spacing.</param>
    /// <param name="options">The all-foreground policy and the thread limit; <see cref="EdtOptions.Default"/> when null.</param>
    public static double[] Compute(ReadOnlySpan<byte> mask, ReadOnlySpan<int> shape, DistanceMapConvention convention, ReadOnlySpan<double> spacing = default, EdtOptions? options = null)
    {
        var result = GC.AllocateUninitializedArray<double>(mask.Length);
        Compute(mask, shape, shape.Length, convention, spacing, result, options);
        return result;
    }

    /// <summary>The map of every volume of an array whose last <paramref name="spatialDims"/> axes are spatial.</summary>
    /// <param name="mask">The mask, row-major; nonzero is foreground.</param>
    /// <param name="shape">The array's shape: batch axes, then spatial axes.</param>
    /// <param name="spatialDims">How many trailing axes are spatial (at least 1).</param>
    /// <param name="convention">Which reference's map.</param>
    /// <param name="spacing">One voxel size per spatial axis, or empty for unit spacing.</param>
    /// <param name="destination">As many elements as the mask.</param>
    /// <param name="options">The all-foreground policy and the thread limit; <see cref="EdtOptions.Default"/> when null.</param>
    public static void Compute(ReadOnlySpan<byte> mask, ReadOnlySpan<int> shape, int spatialDims, DistanceMapConvention convention, ReadOnlySpan<double> spacing, Span<double> destination, EdtOptions? options = null) =>
        Run(mask, GridLayout.Create(shape, spatialDims, spacing), convention, destination, default, options ?? EdtOptions.Default);

    /// <summary>As the double overload, rounded to single precision (computed in double).</summary>
    /// <inheritdoc cref="Compute(ReadOnlySpan{byte}, ReadOnlySpan{int}, int, DistanceMapConvention, ReadOnlySpan{double}, Span{double}, EdtOptions?)"/>
    public static void Compute(ReadOnlySpan<byte> mask, ReadOnlySpan<int> shape, int spatialDims, DistanceMapConvention convention, ReadOnlySpan<double> spacing, Span<float> destination, EdtOptions? options = null) =>
        Run(mask, GridLayout.Create(shape, spatialDims, spacing), convention, default, destination, options ?? EdtOptions.Default);

    internal static void Run(ReadOnlySpan<byte> mask, GridLayout layout, DistanceMapConvention convention, Span<double> doubleDestination, Span<float> floatDestination, EdtOptions options)
    {
        if (!Enum.IsDefined(convention))
        {
            throw new ArgumentOutOfRangeException(nameof(convention), convention, "unknown distance-map convention.");
        }

        layout.CheckLength(mask.Length, nameof(mask));
        var toFloat = doubleDestination.IsEmpty && layout.Total > 0;
        layout.CheckLength(toFloat ? floatDestination.Length : doubleDestination.Length, "destination");
        var total = layout.Total;
        if (total == 0)
        {
            return;
        }

        var complement = ArrayPool<byte>.Shared.Rent(total);
        var inside = ArrayPool<double>.Shared.Rent(total);
        var outside = ArrayPool<double>.Shared.Rent(total);
        try
        {
            for (var i = 0; i < total; i++)
            {
                complement[i] = mask[i] == 0 ? (byte)1 : (byte)0;
            }

            EuclideanDistanceTransform.Run(mask, layout, inside.AsSpan(0, total), default, squared: false, options);
            EuclideanDistanceTransform.Run(complement.AsSpan(0, total), layout, outside.AsSpan(0, total), default, squared: false, options);
            var size = layout.VolumeSize;
            for (var volume = 0; volume < layout.Volumes; volume++)
            {
                var range = new Range(volume * size, (volume + 1) * size);
                var values = inside.AsSpan(range);
                MapCombiner.Combine(convention, mask[range], values, outside.AsSpan(range));
                if (toFloat)
                {
                    var target = floatDestination[range];
                    for (var i = 0; i < size; i++)
                    {
                        target[i] = (float)values[i];
                    }
                }
                else
                {
                    values.CopyTo(doubleDestination[range]);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(complement);
            ArrayPool<double>.Shared.Return(inside);
            ArrayPool<double>.Shared.Return(outside);
        }
    }
}
