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
/// On the CPU (<see cref="LovaszRows{T}"/>) the rows are sorted by a stable radix sort in parallel, read in place from
/// the <c>[N, C, X]</c> layout, and the gradient (each error's increment) is kept from the forward; on other devices,
/// libtorch's sort and autograd.
/// </summary>
public static class LovaszExtension
{
    /// <summary>
    /// The extension of <paramref name="errors"/> <c>[N, C, X]</c> against <paramref name="truth"/>: class indices
    /// <c>[N, 1, X]</c> (int64; class c's target is <c>truth == c</c>) or a dense target <c>[N, C, X]</c> (binary or
    /// soft). <paramref name="valid"/> is <c>[N, 1, X]</c> (nonzero where the pixel counts) or null. Per sample and class
    /// <c>[N, C]</c>, or with <paramref name="pooled"/> per class over the whole batch <c>[1, C]</c>.
    /// <paramref name="singlePrecisionIncrements"/> computes the increments in float32, reproducing references that do.
    /// </summary>
    public static Tensor Compute(Tensor errors, Tensor truth, Tensor? valid, bool pooled, bool singlePrecisionIncrements = false)
    {
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(truth);
        if (errors.dim() != 3)
        {
            throw new ArgumentException($"errors must be [N, C, X]; got [{string.Join(", ", errors.shape)}].", nameof(errors));
        }

        var (samples, classes, pixels) = (errors.shape[0], errors.shape[1], errors.shape[2]);
        var truthShape = truth.dtype == ScalarType.Int64 ? new[] { samples, 1, pixels } : errors.shape;
        if (!truth.shape.SequenceEqual(truthShape))
        {
            throw new ArgumentException(
                $"truth must be class indices [N, 1, X] (int64) or a dense target [N, C, X], here [{string.Join(", ", truthShape)}]; got {truth.dtype} [{string.Join(", ", truth.shape)}].",
                nameof(truth));
        }

        if (valid is not null && !valid.shape.SequenceEqual(new[] { samples, 1, pixels }))
        {
            throw new ArgumentException($"valid must be [N, 1, X], here [{samples}, 1, {pixels}]; got [{string.Join(", ", valid.shape)}].", nameof(valid));
        }

        if (errors.device_type == TorchSharp.DeviceType.CPU && errors.dtype is ScalarType.Float32 or ScalarType.Float64
            && LovaszLayout.Fits(samples, classes, pixels, pooled))
        {
            return LovaszFunction.apply(errors, truth, valid, pooled, singlePrecisionIncrements);
        }

        return WithLibTorch(errors, truth, valid, pooled, singlePrecisionIncrements);
    }

    /// <summary>The same with libtorch's sort and autograd (any device).</summary>
    internal static Tensor WithLibTorch(Tensor errors, Tensor truth, Tensor? valid, bool pooled, bool singlePrecisionIncrements)
    {
        var (samples, classes, pixels) = (errors.shape[0], errors.shape[1], errors.shape[2]);
        var oneVsRest = truth.dtype == ScalarType.Int64
            ? truth.eq(arange(classes, ScalarType.Int64, truth.device).view(1, -1, 1)).expand(samples, classes, pixels)
            : truth;
        Tensor Rows(Tensor t) => pooled ? t.transpose(0, 1).reshape(classes, -1) : t.reshape(samples * classes, -1);
        var rowErrors = Rows(errors);
        var keys = rowErrors;
        var rowValid = valid is null ? null : Rows(valid.expand(samples, classes, pixels).ne(0));
        if (rowValid is not null)
        {
            keys = rowErrors.masked_fill(rowValid.logical_not(), double.NegativeInfinity);
        }

        var order = keys.detach().argsort(dim: 1, descending: true);
        var sortedErrors = rowErrors.gather(1, order);
        var sortedTruth = Rows(oneVsRest).gather(1, order).to_type(errors.dtype);
        if (rowValid is not null)
        {
            var sortedValid = rowValid.gather(1, order).to_type(errors.dtype);
            sortedErrors = sortedErrors * sortedValid;
            sortedTruth = sortedTruth * sortedValid;
        }

        var counts = singlePrecisionIncrements ? sortedTruth.detach().to_type(ScalarType.Float32) : sortedTruth.detach();
        var total = counts.sum(new long[] { 1 }, keepdim: true);
        var intersection = total - counts.cumsum(1);
        var union = total + (1 - counts).cumsum(1);
        var jaccard = 1 - intersection / union;
        var increments = cat(new[] { jaccard[.., ..1], jaccard[.., 1..] - jaccard[.., ..^1] }, 1).to_type(errors.dtype);
        var losses = (sortedErrors * increments).sum(new long[] { 1 });
        return pooled ? losses.view(1, classes) : losses.view(samples, classes);
    }

    /// <summary>The CPU forward, which keeps each error's increment (its gradient) for the backward.</summary>
    private sealed class LovaszFunction : autograd.SingleTensorFunction<LovaszFunction>
    {
        public override string Name => "SegLoss.Lovasz";

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var errors = ((Tensor)vars[0]).detach().contiguous();
            var truth = ((Tensor)vars[1]).detach();
            truth = (truth.dtype == ScalarType.Int64 ? truth : truth.to_type(errors.dtype)).contiguous();
            var valid = (vars[2] as Tensor)?.detach().to_type(errors.dtype).contiguous();
            var layout = new LovaszLayout(errors.shape[0], errors.shape[1], errors.shape[2], (bool)vars[3]);
            var single = (bool)vars[4];
            var increments = empty(errors.shape, errors.dtype);
            var losses = new double[layout.Rows];
            if (errors.dtype == ScalarType.Float32)
            {
                var rows = new LovaszRows<float>(layout, errors, truth, valid, increments, single);
                Parallel.For(0, layout.Rows, row => losses[row] = rows.Run(row));
            }
            else
            {
                var rows = new LovaszRows<double>(layout, errors, truth, valid, increments, single);
                Parallel.For(0, layout.Rows, row => losses[row] = rows.Run(row));
            }

            ctx.save_for_backward(new List<Tensor> { increments });
            return tensor(losses, layout.Pooled ? new[] { 1, layout.Classes } : new[] { layout.Samples, layout.Classes }, errors.dtype);
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
        {
            var increments = ctx.get_saved_variables()[0];
            return new List<Tensor> { increments * grad_output.unsqueeze(-1), null!, null!, null!, null! };
        }
    }
}
