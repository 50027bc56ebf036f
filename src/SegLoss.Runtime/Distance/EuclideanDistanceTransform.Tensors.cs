using System;
using static TorchSharp.torch;

namespace SegLoss.Runtime.Distance;

/// <summary>The distance transform of masks held in TorchSharp tensors.</summary>
public static partial class EuclideanDistanceTransform
{
    /// <summary>
    /// The distance transform of every volume of <paramref name="mask"/> over its last <paramref name="spatialDims"/>
    /// axes: a <c>[N, C, *spatial]</c> mask with <c>spatialDims = spatial rank</c> gives one transform per (n, c).
    /// </summary>
    /// <param name="mask">Any dtype (bool, uint8, integer, float) and device; nonzero is foreground. Not differentiated.</param>
    /// <param name="spatialDims">How many trailing axes are spatial (at least 1).</param>
    /// <param name="spacing">One voxel size per spatial axis, or empty for unit spacing.</param>
    /// <param name="dtype">float32 (computed in double, then rounded) or float64.</param>
    /// <param name="options">The all-foreground policy and the thread limit; <see cref="EdtOptions.Default"/> when null.</param>
    /// <returns>A tensor of the mask's shape and device, of type <paramref name="dtype"/>.</returns>
    public static Tensor Compute(Tensor mask, int spatialDims, ReadOnlySpan<double> spacing = default, ScalarType dtype = ScalarType.Float32, EdtOptions? options = null) =>
        Run(mask, spatialDims, spacing, dtype, squared: false, options);

    /// <summary>The squared distances; otherwise as <see cref="Compute(Tensor, int, ReadOnlySpan{double}, ScalarType, EdtOptions?)"/>.</summary>
    /// <inheritdoc cref="Compute(Tensor, int, ReadOnlySpan{double}, ScalarType, EdtOptions?)"/>
    public static Tensor ComputeSquared(Tensor mask, int spatialDims, ReadOnlySpan<double> spacing = default, ScalarType dtype = ScalarType.Float64, EdtOptions? options = null) =>
        Run(mask, spatialDims, spacing, dtype, squared: true, options);

    private static Tensor Run(Tensor mask, int spatialDims, ReadOnlySpan<double> spacing, ScalarType dtype, bool squared, EdtOptions? options)
    {
        ArgumentNullException.ThrowIfNull(mask);
        TensorMasks.CheckDistanceType(dtype, nameof(dtype));
        var layout = GridLayout.Create(mask.shape, spatialDims, spacing, nameof(mask), nameof(spacing));
        using var scope = NewDisposeScope();
        var bytes = TensorMasks.ToByteMask(mask);
        var result = empty(mask.shape, dtype);
        Run(TensorMasks.Bytes(bytes), layout, TensorMasks.Doubles(result), TensorMasks.Singles(result), squared, options ?? EdtOptions.Default);
        return TensorMasks.ToDeviceOf(result, mask).MoveToOuterDisposeScope();
    }
}
