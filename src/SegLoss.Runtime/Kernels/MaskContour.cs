using static TorchSharp.torch;

namespace SegLoss.Runtime.Kernels;

/// <summary>
/// <c>contour(e)</c>: the inner boundary layer of the mask <c>e &gt; 0.5</c>, the mask's pixels with a face neighbour
/// (along one axis, one pixel away) outside the mask. The image's edge is not a boundary: a pixel on it is on the
/// contour only through a neighbour inside the image. A constant (no gradient), on any device.
/// </summary>
public static class MaskContour
{
    /// <summary>The contour of maps <c>[N, C, *spatial]</c> as 0/1 values of their type.</summary>
    public static Tensor Compute(Tensor maps)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        var mask = maps.detach().gt(0.5);
        var outside = mask.logical_not();
        var besideOutside = zeros_like(mask);
        for (var axis = 2; axis < mask.dim(); axis++)
        {
            var length = mask.shape[axis];
            if (length < 2)
            {
                continue;
            }

            // Pixel i sees i + 1 and i - 1 along the axis.
            besideOutside.narrow(axis, 0, length - 1).logical_or_(outside.narrow(axis, 1, length - 1));
            besideOutside.narrow(axis, 1, length - 1).logical_or_(outside.narrow(axis, 0, length - 1));
        }

        return mask.logical_and(besideOutside).to_type(maps.dtype).MoveToOuterDisposeScope();
    }
}
