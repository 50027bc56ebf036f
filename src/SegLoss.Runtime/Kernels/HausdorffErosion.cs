using System;
using static TorchSharp.torch;

namespace SegLoss.Runtime.Kernels;

/// <summary>
/// The Hausdorff erosion map of Karimi and Salcudean (2019), differentiable: the map is eroded K times by a soft erosion
/// (the mean over a cross-shaped neighbourhood, the pixel and its 2·d face neighbours with zero padding, minus 0.5,
/// clamped at 0, then rescaled to [0, 1] by its minimum and range unless it is constant), and the k-th erosion is
/// weighted by k^α: <c>Σk k^α · erode^k(e)</c>. This is the erosion of HausdorffERLoss in the common PyTorch port
/// (which computes it in NumPy and so passes no gradient) written with differentiable tensor
/// operations; the rescaling is per sample and channel, where the reference rescales each sample's channels together
/// (the same for its one-channel use).
/// </summary>
public static class HausdorffErosion
{
    /// <summary>The erosion map of <paramref name="maps"/> <c>[N, C, *spatial]</c> with 1 to 3 spatial dimensions.</summary>
    public static Tensor Compute(Tensor maps, int erosions, double alpha)
    {
        if (erosions < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(erosions), erosions, "expected a number of erosions >= 0");
        }

        var rank = (int)maps.dim() - 2;
        if (rank is < 1 or > 3)
        {
            throw new ArgumentException($"herode(e, K, alpha) needs 1 to 3 spatial dimensions; the input has {rank}.", nameof(maps));
        }

        var total = zeros_like(maps);
        var current = maps;
        for (var k = 1; k <= erosions; k++)
        {
            current = Rescale(nn.functional.relu(CrossMean(current, rank) - 0.5));
            total = total + Math.Pow(k, alpha) * current;
        }

        return total;
    }

    /// <summary>(e − min) / (max − min) per sample and channel; a constant map stays as it is.</summary>
    private static Tensor Rescale(Tensor maps)
    {
        var flat = maps.flatten(2);
        var low = flat.amin(new long[] { 2 }, keepdim: true);
        var range = flat.amax(new long[] { 2 }, keepdim: true) - low;
        var constant = range.eq(0);
        var rescaled = (flat - low) / range.masked_fill(constant, 1.0);
        return where(constant, flat, rescaled).view_as(maps);
    }

    private static Tensor CrossMean(Tensor maps, int rank)
    {
        var sum = maps;
        for (var axis = 0; axis < rank; axis++)
        {
            var dim = 2 + axis;
            var size = maps.shape[dim];
            var padding = new long[2 * rank];
            padding[2 * (rank - 1 - axis)] = 1;
            padding[2 * (rank - 1 - axis) + 1] = 1;
            var padded = nn.functional.pad(maps, padding);
            sum = sum + padded.narrow(dim, 0, size) + padded.narrow(dim, 2, size);
        }

        return sum / (2 * rank + 1);
    }
}
