using System;
using System.Buffers;

namespace SegLoss.Runtime.Distance;

/// <summary>
/// The exact Euclidean distance transform: for every foreground (nonzero) voxel, the Euclidean distance, in units of
/// the spacing, to the nearest background (zero) voxel; 0 on background. It equals scipy 1.10's
/// <c>ndimage.distance_transform_edt(mask, sampling=spacing)</c> up to float rounding (the squared distance is exact
/// wherever the spacings' squares and their sums are representable, e.g. for integer and half-integer spacings).
/// </summary>
/// <remarks>
/// <para>
/// Any number of spatial axes; leading axes of an array (batch, channel) are independent volumes, each transformed over
/// its spatial axes alone. Cost: linear in the voxel count, a few passes over the volume, parallel over lines, and the
/// result does not depend on the thread count.
/// </para>
/// <para>
/// Defined cases: a volume without foreground is all 0; a volume without background (where scipy measures to a point
/// outside the array) follows <see cref="EdtOptions.AllForeground"/>, by default the distance to the nearest point
/// outside the image (<see cref="AllForegroundPolicy.DistanceToImageBorder"/>). A single background voxel gives the
/// distance to it everywhere; size-1 axes are ordinary axes of length 1; a zero-size axis gives an empty result.
/// </para>
/// </remarks>
public static partial class EuclideanDistanceTransform
{
    /// <summary>The distance transform of one volume whose every axis is spatial, in double precision.</summary>
    /// <param name="mask">The mask, row-major; nonzero is foreground.</param>
    /// <param name="shape">The spatial shape (one entry per axis).</param>
    /// <param name="spacing">One voxel size per axis, or empty for unit spacing (scipy's <c>sampling</c>).</param>
    /// <param name="options">The all-foreground policy and the thread limit; <see cref="EdtOptions.Default"/> when null.</param>
    public static double[] Compute(ReadOnlySpan<byte> mask, ReadOnlySpan<int> shape, ReadOnlySpan<double> spacing = default, EdtOptions? options = null)
    {
        var result = GC.AllocateUninitializedArray<double>(mask.Length);
        Compute(mask, shape, shape.Length, spacing, result, options);
        return result;
    }

    /// <summary>The distance transform of one volume whose every axis is spatial, rounded to single precision.</summary>
    /// <inheritdoc cref="Compute(ReadOnlySpan{byte}, ReadOnlySpan{int}, ReadOnlySpan{double}, EdtOptions?)"/>
    public static float[] ComputeSingle(ReadOnlySpan<byte> mask, ReadOnlySpan<int> shape, ReadOnlySpan<double> spacing = default, EdtOptions? options = null)
    {
        var result = GC.AllocateUninitializedArray<float>(mask.Length);
        Compute(mask, shape, shape.Length, spacing, result, options);
        return result;
    }

    /// <summary>
    /// The distance transform of every volume of an array whose last <paramref name="spatialDims"/> axes are spatial
    /// (e.g. <c>[N, C, H, W, D]</c> with 3), into <paramref name="destination"/>.
    /// </summary>
    /// <param name="mask">The mask, row-major; nonzero is foreground.</param>
    /// <param name="shape">The array's shape: batch axes, then spatial axes.</param>
    /// <param name="spatialDims">How many trailing axes are spatial (at least 1).</param>
    /// <param name="spacing">One voxel size per spatial axis, or empty for unit spacing.</param>
    /// <param name="destination">As many elements as the mask.</param>
    /// <param name="options">The all-foreground policy and the thread limit; <see cref="EdtOptions.Default"/> when null.</param>
    public static void Compute(ReadOnlySpan<byte> mask, ReadOnlySpan<int> shape, int spatialDims, ReadOnlySpan<double> spacing, Span<double> destination, EdtOptions? options = null) =>
        Run(mask, GridLayout.Create(shape, spatialDims, spacing), destination, default, squared: false, options ?? EdtOptions.Default);

    /// <summary>As <see cref="Compute(ReadOnlySpan{byte}, ReadOnlySpan{int}, int, ReadOnlySpan{double}, Span{double}, EdtOptions?)"/>, rounded to single precision (computed in double).</summary>
    /// <inheritdoc cref="Compute(ReadOnlySpan{byte}, ReadOnlySpan{int}, int, ReadOnlySpan{double}, Span{double}, EdtOptions?)"/>
    public static void Compute(ReadOnlySpan<byte> mask, ReadOnlySpan<int> shape, int spatialDims, ReadOnlySpan<double> spacing, Span<float> destination, EdtOptions? options = null) =>
        Run(mask, GridLayout.Create(shape, spatialDims, spacing), default, destination, squared: false, options ?? EdtOptions.Default);

    /// <summary>
    /// The squared distances (no square root): exact for integer spacings, and what a loss that raises distances to the
    /// power 2 needs. Otherwise as <see cref="Compute(ReadOnlySpan{byte}, ReadOnlySpan{int}, int, ReadOnlySpan{double}, Span{double}, EdtOptions?)"/>.
    /// </summary>
    /// <inheritdoc cref="Compute(ReadOnlySpan{byte}, ReadOnlySpan{int}, int, ReadOnlySpan{double}, Span{double}, EdtOptions?)"/>
    public static void ComputeSquared(ReadOnlySpan<byte> mask, ReadOnlySpan<int> shape, int spatialDims, ReadOnlySpan<double> spacing, Span<double> destination, EdtOptions? options = null) =>
        Run(mask, GridLayout.Create(shape, spatialDims, spacing), destination, default, squared: true, options ?? EdtOptions.Default);

    /// <summary>Checks lengths, pins, and runs the kernel into the double or the float destination.</summary>
    internal static unsafe void Run(ReadOnlySpan<byte> mask, GridLayout layout, Span<double> doubleDestination, Span<float> floatDestination, bool squared, EdtOptions options)
    {
        layout.CheckLength(mask.Length, nameof(mask));
        var toFloat = doubleDestination.IsEmpty && layout.Total > 0;
        layout.CheckLength(toFloat ? floatDestination.Length : doubleDestination.Length, "destination");
        if (layout.Total == 0)
        {
            return;
        }

        // Single-precision output is computed in a double buffer from the shared pool: a fresh buffer of this size would
        // cost more in page faults than the transform itself.
        var work = toFloat ? ArrayPool<double>.Shared.Rent(layout.Total) : null;
        try
        {
            fixed (byte* maskPointer = mask)
            fixed (double* doublePointer = doubleDestination)
            fixed (float* floatPointer = floatDestination)
            fixed (double* workPointer = work)
            {
                EdtKernel.Run(maskPointer, layout, toFloat ? workPointer : doublePointer, doublePointer, floatPointer, squared, options);
            }
        }
        finally
        {
            if (work is not null)
            {
                ArrayPool<double>.Shared.Return(work);
            }
        }
    }
}
