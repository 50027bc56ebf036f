using System;
using static TorchSharp.torch;

namespace SegLoss.Runtime.Kernels;

/// <summary>
/// Local statistics over a centred box window of <c>window</c> pixels along every spatial axis (an odd number), for the
/// structural similarity loss of Zhao et al. (2019). The window is clipped at the image border and, with a mask, to the
/// masked-in pixels: the mean and the deviation are those of the pixels of the window that exist and count (no zero
/// padding, which would pull the mean towards 0 along the border). The box is separable, so it is summed axis by axis
/// with shifted additions (exact, any number of spatial axes, any device); differentiable through the sums.
/// </summary>
public static class LocalStatistics
{
    /// <summary>The local mean of maps <c>[N, C, *spatial]</c> (1 or more spatial axes); <paramref name="mask"/>, when given,
    /// is <c>[N, 1, *spatial]</c> with 1 for the pixels that count and 0 for the others. A window without counted pixel gives 0.</summary>
    public static Tensor Mean(Tensor maps, int window, Tensor? mask = null)
    {
        var (sum, count) = Sums(maps, window, mask, squared: false);
        return sum / count.clamp_min(1);
    }

    /// <summary>
    /// The local standard deviation (population: divided by the number of pixels of the window, as SSIM's σ),
    /// <c>sqrt(max(mean(x²) − mean(x)², 0))</c>, with gradient 0 where the variance is 0 (where the square root has none).
    /// </summary>
    public static Tensor StandardDeviation(Tensor maps, int window, Tensor? mask = null)
    {
        var (sum, count) = Sums(maps, window, mask, squared: false);
        var (squares, _) = Sums(maps, window, mask, squared: true);
        var safeCount = count.clamp_min(1);
        var mean = sum / safeCount;
        var variance = squares / safeCount - mean * mean;

        // sqrt has no derivative at 0 (a flat window): the double where keeps the gradient 0 there instead of NaN.
        var positive = variance.gt(0);
        return where(positive, where(positive, variance, ones_like(variance)).sqrt(), zeros_like(variance));
    }

    private static (Tensor Sum, Tensor Count) Sums(Tensor maps, int window, Tensor? mask, bool squared)
    {
        if (window < 1 || window % 2 == 0)
        {
            throw new ArgumentOutOfRangeException(nameof(window), window, "expected an odd window of at least 1 pixel");
        }

        var rank = (int)maps.dim() - 2;
        if (rank < 1)
        {
            throw new ArgumentException($"local statistics need at least one spatial dimension; the input has shape [{string.Join(", ", maps.shape)}].", nameof(maps));
        }

        var values = squared ? maps * maps : maps;
        Tensor counted;
        if (mask is null)
        {
            var shape = (long[])maps.shape.Clone();
            shape[0] = 1;
            shape[1] = 1;
            counted = ones(shape, maps.dtype, maps.device);
        }
        else
        {
            counted = mask.to_type(maps.dtype);
            values = values * counted;
        }

        return (BoxSum(values, window, rank), BoxSum(counted, window, rank));
    }

    /// <summary>Σ over the window centred at each pixel, axis by axis, pixels outside the image counting 0.</summary>
    private static Tensor BoxSum(Tensor values, int window, int rank)
    {
        var radius = window / 2;
        if (radius == 0)
        {
            return values;
        }

        var sum = values;
        for (var axis = 0; axis < rank; axis++)
        {
            var dim = 2 + axis;
            var size = sum.shape[dim];
            var padding = new long[2 * rank];
            padding[2 * (rank - 1 - axis)] = radius;
            padding[2 * (rank - 1 - axis) + 1] = radius;
            var padded = nn.functional.pad(sum, padding);
            var total = padded.narrow(dim, 0, size);
            for (var offset = 1; offset < window; offset++)
            {
                total = total + padded.narrow(dim, offset, size);
            }

            sum = total;
        }

        return sum;
    }
}

/// <summary>
/// The pixel selection of the structural similarity loss (Zhao et al., 2019): 1 where a map exceeds β times its largest
/// value in the same sample (over all channels and counted pixels), 0 elsewhere; a constant for autograd.
/// </summary>
public static class MaximumSelection
{
    /// <summary>
    /// <c>[x &gt; β·max]</c> for maps <c>[N, C, ...]</c>, the maximum taken per sample over everything after N;
    /// <paramref name="mask"/> (<c>[N, 1, ...]</c>, 1 = counts) keeps the other pixels out of the maximum and the selection.
    /// </summary>
    public static Tensor Compute(Tensor maps, double beta, Tensor? mask = null)
    {
        using var noGrad = no_grad();
        var values = maps.detach();
        var counted = mask?.expand(values.shape).ne(0);
        var candidates = counted is null ? values : values.masked_fill(counted.logical_not(), double.NegativeInfinity);
        var shape = new long[values.dim()];
        Array.Fill(shape, 1L);
        shape[0] = values.shape[0];
        var maximum = candidates.flatten(1).amax(new long[] { 1 }).view(shape);
        var selected = values.gt(maximum * beta);
        if (counted is not null)
        {
            selected = selected.logical_and(counted);
        }

        return selected.to_type(values.dtype);
    }
}
