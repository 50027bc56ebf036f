using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using static TorchSharp.torch;

namespace SegLoss.Runtime.Kernels;

/// <summary>
/// The mean of the k largest values of each row of a float32/float64 CPU tensor <c>[rows, n]</c>, without a sort: a
/// radix selection on the values' order-preserving bit patterns finds the k-th largest value t (a histogram of the top
/// 16 bits over every value, then the remaining bits among the few values that share them), and the mean is that of
/// the values above t plus t for the rest of k. The sum of the k largest values is the same whichever of several
/// values equal to t are taken; the gradient (1/k at the selected positions) takes those first in index order.
/// Replaces libtorch's <c>topk</c> (a partial sort) in TopK losses on the CPU.
/// </summary>
internal static class TopKSelection
{
    private const int TopBits = 16;

    // The histogram (512 KiB) and the candidates, kept per thread from call to call: allocated per call they fed the
    // garbage collector's large-object heap at every step (see the README's TorchSharp Scalar race).
    [ThreadStatic]
    private static long[]? _counts;

    [ThreadStatic]
    private static List<ulong>? _candidates;

    /// <summary>The mean of the <paramref name="k"/> largest values of each row of <paramref name="values"/>, as <c>[rows, 1]</c>.</summary>
    public static Tensor Mean(Tensor values, long k) => TopKMeanFunction.apply(values, k);

    private sealed class TopKMeanFunction : autograd.SingleTensorFunction<TopKMeanFunction>
    {
        public override string Name => "SegLoss.TopKMean";

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var values = ((Tensor)vars[0]).detach().contiguous();
            var k = (long)vars[1];
            var (rows, n) = ((int)values.shape[0], (int)values.shape[1]);
            var thresholds = new double[rows];
            var above = new long[rows];
            var means = new double[rows];
            for (var row = 0; row < rows; row++)
            {
                (thresholds[row], above[row], means[row]) = values.dtype == ScalarType.Float32
                    ? Row<float>(values, row, n, k)
                    : Row<double>(values, row, n, k);
            }

            ctx.save_for_backward(new List<Tensor> { values });
            ctx.save_data("selection", (k, thresholds, above));
            return tensor(means, new long[] { rows, 1 }, values.dtype);
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
        {
            var values = ctx.get_saved_variables()[0];
            var (k, thresholds, above) = ((long, double[], long[]))ctx.get_data("selection");
            var (rows, n) = ((int)values.shape[0], (int)values.shape[1]);
            var perRow = grad_output.detach().to_type(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
            var gradient = zeros(values.shape, values.dtype);
            for (var row = 0; row < rows; row++)
            {
                if (values.dtype == ScalarType.Float32)
                {
                    Scatter<float>(values, gradient, row, n, thresholds[row], k - above[row], perRow[row] / k);
                }
                else
                {
                    Scatter<double>(values, gradient, row, n, thresholds[row], k - above[row], perRow[row] / k);
                }
            }

            return new List<Tensor> { gradient, null! };
        }
    }

    /// <summary>One row's k-th largest value t, the number of values above it, and the mean of the k largest.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe (double Threshold, long Above, double Mean) Row<T>(Tensor values, int row, int n, long k)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var data = new ReadOnlySpan<T>(TensorMemory.Address<T>(values) + ((long)row * n), n);
        var shift = (Unsafe.SizeOf<T>() * 8) - TopBits;
        var counts = _counts ??= new long[1 << TopBits];
        Array.Clear(counts);
        foreach (var value in data)
        {
            counts[(int)(DescendingKeys.Of(value) >> shift)]++;
        }

        // Every value whose top bits come before the k-th largest's is above it; those sharing them are candidates.
        var (bucket, rank) = Select(counts, k);
        var candidates = _candidates ??= new List<ulong>();
        candidates.Clear();
        var (sum, above) = (0.0, 0L);
        foreach (var value in data)
        {
            var key = DescendingKeys.Of(value);
            var top = (int)(key >> shift);
            if (top < bucket)
            {
                sum += double.CreateTruncating(value);
                above++;
            }
            else if (top == bucket)
            {
                candidates.Add(key);
            }
        }

        // The k-th largest among the candidates: the rank-th smallest key.
        candidates.Sort();
        var thresholdKey = candidates[(int)rank - 1];
        foreach (var key in candidates)
        {
            if (key < thresholdKey)
            {
                sum += double.CreateTruncating(DescendingKeys.ToValue<T>(key));
                above++;
            }
        }

        var threshold = double.CreateTruncating(DescendingKeys.ToValue<T>(thresholdKey));
        sum += (k - above) * threshold;
        return (threshold, above, sum / k);
    }

    /// <summary>1/k of the gradient at each selected position: the values above t, then the first of those equal to it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void Scatter<T>(Tensor values, Tensor gradient, int row, int n, double threshold, long ties, double share)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var data = new ReadOnlySpan<T>(TensorMemory.Address<T>(values) + ((long)row * n), n);
        var target = new Span<T>(TensorMemory.Address<T>(gradient) + ((long)row * n), n);
        var (t, value) = (T.CreateTruncating(threshold), T.CreateTruncating(share));
        for (var i = 0; i < n; i++)
        {
            if (data[i] > t || (data[i] == t && ties-- > 0))
            {
                target[i] = value;
            }
        }
    }

    /// <summary>The bucket that holds the value of rank <paramref name="rank"/> (1-based), and its rank within.</summary>
    private static (int Bucket, long Rank) Select(long[] counts, long rank)
    {
        var bucket = 0;
        while (rank > counts[bucket])
        {
            rank -= counts[bucket++];
        }

        return (bucket, rank);
    }
}
