using System;
using static TorchSharp.torch;

namespace SegLoss.Runtime.Kernels;

/// <summary>
/// The soft skeleton of clDice (Shit et al., 2021), by iterated min/max pooling: soft erosion is the minimum of
/// 3-long line pools along each axis, soft dilation a 3×3(×3) max pool, and
/// <c>skel = relu(x - open(x))</c>, then for each iteration <c>x = erode(x); delta = relu(x - open(x));
/// skel += relu(delta - skel·delta)</c> (MONAI's soft_skel). Differentiable through the pools.
/// </summary>
public static class SoftSkeleton
{
    /// <summary>The soft skeleton of maps <c>[N, C, *spatial]</c> with 1 to 3 spatial dimensions.</summary>
    public static Tensor Compute(Tensor maps, int iterations)
    {
        if (iterations < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(iterations), iterations, "expected a number of iterations >= 0");
        }

        var rank = maps.dim() - 2;
        if (rank is < 1 or > 3)
        {
            throw new ArgumentException($"skel(e, iterations) needs 1 to 3 spatial dimensions; the input has {rank}.", nameof(maps));
        }

        var skeleton = nn.functional.relu(maps - Open(maps));
        var current = maps;
        for (var i = 0; i < iterations; i++)
        {
            current = Erode(current);
            var delta = nn.functional.relu(current - Open(current));
            skeleton = skeleton + nn.functional.relu(delta - skeleton * delta);
        }

        return skeleton;
    }

    private static Tensor Open(Tensor maps) => Dilate(Erode(maps));

    /// <summary>The minimum of 3-long line pools along each spatial axis (a cross-shaped erosion).</summary>
    private static Tensor Erode(Tensor maps)
    {
        var rank = (int)maps.dim() - 2;
        Tensor? eroded = null;
        for (var axis = 0; axis < rank; axis++)
        {
            var kernel = new long[rank];
            var padding = new long[rank];
            Array.Fill(kernel, 1L);
            kernel[axis] = 3;
            padding[axis] = 1;
            var line = -MaxPool(-maps, kernel, padding);
            eroded = eroded is null ? line : minimum(eroded, line);
        }

        return eroded!;
    }

    private static Tensor Dilate(Tensor maps)
    {
        var rank = (int)maps.dim() - 2;
        var kernel = new long[rank];
        var padding = new long[rank];
        Array.Fill(kernel, 3L);
        Array.Fill(padding, 1L);
        return MaxPool(maps, kernel, padding);
    }

    private static Tensor MaxPool(Tensor maps, long[] kernel, long[] padding)
    {
        var stride = new long[kernel.Length];
        Array.Fill(stride, 1L);
        return kernel.Length switch
        {
            1 => nn.functional.max_pool1d(maps, kernel[0], stride[0], padding[0]),
            2 => nn.functional.max_pool2d(maps, kernel, stride, padding),
            _ => nn.functional.max_pool3d(maps, kernel, stride, padding),
        };
    }
}
