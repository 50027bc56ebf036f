using System;
using System.Globalization;

namespace SegLoss.Runtime.Distance;

/// <summary>
/// A row-major array seen as <c>Volumes</c> independent volumes (the product of the leading, batch-like axes) of the
/// spatial shape <c>Dims</c> (the trailing axes), with one spacing per spatial axis.
/// </summary>
internal sealed class GridLayout
{
    private GridLayout(int volumes, int[] dims, double[] spacing)
    {
        Volumes = volumes;
        Dims = dims;
        Spacing = spacing;
        var size = 1L;
        foreach (var d in dims)
        {
            size *= d;
        }

        VolumeSize = (int)size;
    }

    /// <summary>The number of volumes (product of the batch axes; 1 when every axis is spatial).</summary>
    public int Volumes { get; }

    /// <summary>The spatial shape of one volume.</summary>
    public int[] Dims { get; }

    /// <summary>One positive spacing per spatial axis.</summary>
    public double[] Spacing { get; }

    /// <summary>Voxels per volume.</summary>
    public int VolumeSize { get; }

    /// <summary>Voxels in all volumes.</summary>
    public int Total => Volumes * VolumeSize;

    /// <summary>
    /// Validates a shape whose last <paramref name="spatialDims"/> axes are spatial; <paramref name="spacing"/> is
    /// empty (unit spacing) or has one finite positive value per spatial axis.
    /// </summary>
    public static GridLayout Create(ReadOnlySpan<long> shape, int spatialDims, ReadOnlySpan<double> spacing, string shapeName = "shape", string spacingName = "spacing")
    {
        if (spatialDims < 1 || spatialDims > shape.Length)
        {
            throw new ArgumentOutOfRangeException(
                nameof(spatialDims),
                spatialDims,
                $"spatialDims must be between 1 and the rank of the {shapeName} ({shape.Length}).");
        }

        var total = 1L;
        foreach (var s in shape)
        {
            if (s < 0)
            {
                throw new ArgumentException($"{shapeName} {Format(shape)} has a negative size.", shapeName);
            }

            total *= s;
            if (total > Array.MaxLength)
            {
                throw new ArgumentException($"{shapeName} {Format(shape)} has more elements than an array can hold.", shapeName);
            }
        }

        if (spacing.Length != 0 && spacing.Length != spatialDims)
        {
            throw new ArgumentException(
                $"{spacingName} has {spacing.Length} values but there are {spatialDims} spatial axes.",
                spacingName);
        }

        var values = new double[spatialDims];
        for (var k = 0; k < spatialDims; k++)
        {
            var value = spacing.Length == 0 ? 1.0 : spacing[k];
            if (!(value > 0) || double.IsInfinity(value))
            {
                throw new ArgumentException(
                    $"{spacingName}[{k}] is {value.ToString("R", CultureInfo.InvariantCulture)}; spacings must be finite and positive.",
                    spacingName);
            }

            values[k] = value;
        }

        var first = shape.Length - spatialDims;
        var volumes = 1L;
        for (var k = 0; k < first; k++)
        {
            volumes *= shape[k];
        }

        var dims = new int[spatialDims];
        for (var k = 0; k < spatialDims; k++)
        {
            dims[k] = (int)shape[first + k];
        }

        return new GridLayout((int)volumes, dims, values);
    }

    /// <summary>The same for an <see cref="int"/> shape.</summary>
    public static GridLayout Create(ReadOnlySpan<int> shape, int spatialDims, ReadOnlySpan<double> spacing)
    {
        Span<long> wide = shape.Length <= 16 ? stackalloc long[shape.Length] : new long[shape.Length];
        for (var k = 0; k < shape.Length; k++)
        {
            wide[k] = shape[k];
        }

        return Create(wide, spatialDims, spacing);
    }

    /// <summary>Throws unless <paramref name="length"/> is the element count of the layout.</summary>
    public void CheckLength(int length, string name)
    {
        if (length != Total)
        {
            throw new ArgumentException($"{name} has {length} elements but the shape has {Total}.", name);
        }
    }

    private static string Format(ReadOnlySpan<long> shape) => "[" + string.Join(", ", shape.ToArray()) + "]";
}
