using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading.Tasks;
using static TorchSharp.torch;

namespace SegLoss.Runtime.Kernels;

/// <summary>
/// The Lovász extension of the Jaccard loss (Berman et al., 2018): per row (a class of a sample, or of the whole batch),
/// errors sorted in decreasing order, dotted with the Jaccard increments of the ground truth in that order:
/// <c>g = 1 - (G - cumsum(gt)) / (G + cumsum(1 - gt))</c>, differenced; pixels that are not valid count in nothing.
/// On the CPU the rows are sorted by a stable radix sort in parallel and the gradient (each error's increment) is kept
/// from the forward; on other devices, libtorch's sort and autograd.
/// </summary>
public static class LovaszExtension
{
    /// <summary>
    /// <paramref name="errors"/> and <paramref name="truth"/> are <c>[rows, X]</c>; <paramref name="valid"/> is
    /// <c>[rows, X]</c> or null. Returns <c>[rows]</c>. <paramref name="singlePrecisionIncrements"/> computes the
    /// increments in float32, reproducing references that do.
    /// </summary>
    public static Tensor Compute(Tensor errors, Tensor truth, Tensor? valid, bool singlePrecisionIncrements = false)
    {
        if (errors.device_type == TorchSharp.DeviceType.CPU && errors.dtype is ScalarType.Float32 or ScalarType.Float64)
        {
            return LovaszFunction.apply(errors, truth, valid, singlePrecisionIncrements);
        }

        return WithLibTorch(errors, truth, valid, singlePrecisionIncrements);
    }

    /// <summary>The same with libtorch's sort and autograd (any device).</summary>
    internal static Tensor WithLibTorch(Tensor errors, Tensor truth, Tensor? valid, bool singlePrecisionIncrements)
    {
        var keys = valid is null ? errors : errors.masked_fill(valid.logical_not(), double.NegativeInfinity);
        var order = keys.detach().argsort(dim: 1, descending: true);
        var sortedErrors = errors.gather(1, order);
        var sortedTruth = truth.gather(1, order).to_type(errors.dtype);
        if (valid is not null)
        {
            var sortedValid = valid.gather(1, order).to_type(errors.dtype);
            sortedErrors = sortedErrors * sortedValid;
            sortedTruth = sortedTruth * sortedValid;
        }

        var counts = singlePrecisionIncrements ? sortedTruth.detach().to_type(ScalarType.Float32) : sortedTruth.detach();
        var total = counts.sum(new long[] { 1 }, keepdim: true);
        var intersection = total - counts.cumsum(1);
        var union = total + (1 - counts).cumsum(1);
        var jaccard = 1 - intersection / union;
        var increments = cat(new[] { jaccard[.., ..1], jaccard[.., 1..] - jaccard[.., ..^1] }, 1).to_type(errors.dtype);
        return (sortedErrors * increments).sum(new long[] { 1 });
    }

    /// <summary>The CPU forward and its saved gradient: <c>[rows]</c> losses and each error's increment <c>[rows, X]</c>.</summary>
    private sealed class LovaszFunction : autograd.SingleTensorFunction<LovaszFunction>
    {
        public override string Name => "SegLoss.Lovasz";

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var errors = (Tensor)vars[0];
            var truth = (Tensor)vars[1];
            var valid = vars[2] as Tensor;
            var single = (bool)vars[3];
            var (rows, width) = ((int)errors.shape[0], (int)errors.shape[1]);
            var e = errors.detach().to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
            var t = truth.detach().to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
            var v = valid?.detach().to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
            var increments = new double[rows * width];
            var losses = new double[rows];
            Parallel.For(0, rows, row => losses[row] = Row(e.AsSpan(row * width, width), t.AsSpan(row * width, width), v is null ? default : v.AsSpan(row * width, width), increments.AsSpan(row * width, width), single, errors.dtype == ScalarType.Float32));
            var gradient = tensor(increments, new long[] { rows, width }, errors.dtype);
            ctx.save_for_backward(new List<Tensor> { gradient });
            return tensor(losses, new long[] { rows }, errors.dtype);
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
        {
            var increments = ctx.get_saved_variables()[0];
            return new List<Tensor> { increments * grad_output.unsqueeze(1), null!, null!, null! };
        }

        /// <summary>One row: its loss, and each error's increment written to <paramref name="increments"/>.</summary>
        private static double Row(ReadOnlySpan<double> errors, ReadOnlySpan<double> truth, ReadOnlySpan<double> valid, Span<double> increments, bool single, bool floatKeys)
        {
            var positions = new List<int>(errors.Length);
            for (var i = 0; i < errors.Length; i++)
            {
                if (valid.IsEmpty || valid[i] != 0)
                {
                    positions.Add(i);
                }
            }

            var order = new int[positions.Count];
            if (floatKeys)
            {
                var keys = new float[positions.Count];
                for (var k = 0; k < keys.Length; k++)
                {
                    keys[k] = (float)errors[positions[k]];
                }

                RadixOrder.Descending(keys, order);
            }
            else
            {
                var keys = new double[positions.Count];
                for (var k = 0; k < keys.Length; k++)
                {
                    keys[k] = errors[positions[k]];
                }

                RadixOrder.Descending(keys, order);
            }

            var total = 0.0;
            foreach (var i in positions)
            {
                total += truth[i];
            }

            var (inside, outside, previous, loss) = (0.0, 0.0, 0.0, 0.0);
            for (var k = 0; k < order.Length; k++)
            {
                var i = positions[order[k]];
                inside += truth[i];
                outside += 1 - truth[i];
                double jaccard;
                double increment;
                if (single)
                {
                    var j = 1f - (((float)total - (float)inside) / ((float)total + (float)outside));
                    increment = k == 0 ? j : j - (float)previous;
                    increment = (float)increment;
                    jaccard = j;
                }
                else
                {
                    jaccard = 1 - ((total - inside) / (total + outside));
                    increment = k == 0 ? jaccard : jaccard - previous;
                }

                previous = jaccard;
                increments[i] = increment;
                loss += errors[i] * increment;
            }

            return loss;
        }
    }
}
