using System;
using static TorchSharp.torch;

namespace SegLoss.Runtime.Distance;

/// <summary>Distance maps of masks held in TorchSharp tensors.</summary>
public static partial class DistanceMaps
{
    /// <summary>
    /// The map of every volume of <paramref name="mask"/> over its last <paramref name="spatialDims"/> axes: a one-hot
    /// <c>[N, C, *spatial]</c> target gives Kervadec's <c>one_hot2dist</c> per sample and class with
    /// <see cref="DistanceMapConvention.KervadecSigned"/>.
    /// </summary>
    /// <param name="mask">Any dtype and device; nonzero is foreground (threshold probabilities first). Not differentiated.</param>
    /// <param name="spatialDims">How many trailing axes are spatial (at least 1).</param>
    /// <param name="convention">Which reference's map.</param>
    /// <param name="spacing">One voxel size per spatial axis, or empty for unit spacing.</param>
    /// <param name="dtype">float32 (computed in double, then rounded) or float64.</param>
    /// <param name="options">The all-foreground policy and the thread limit; <see cref="EdtOptions.Default"/> when null.</param>
    /// <returns>A tensor of the mask's shape and device, of type <paramref name="dtype"/>.</returns>
    public static Tensor Compute(Tensor mask, int spatialDims, DistanceMapConvention convention, ReadOnlySpan<double> spacing = default, ScalarType dtype = ScalarType.Float32, EdtOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(mask);
        TensorMasks.CheckDistanceType(dtype, nameof(dtype));
        var layout = GridLayout.Create(mask.shape, spatialDims, spacing, nameof(mask), nameof(spacing));
        using var scope = NewDisposeScope();
        var bytes = TensorMasks.ToByteMask(mask);
        var result = empty(mask.shape, dtype);
        Run(TensorMasks.Bytes(bytes), layout, convention, TensorMasks.Doubles(result), TensorMasks.Singles(result), options ?? EdtOptions.Default);
        return TensorMasks.ToDeviceOf(result, mask).MoveToOuterDisposeScope();
    }
}
