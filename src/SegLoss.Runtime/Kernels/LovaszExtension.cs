using static TorchSharp.torch;

namespace SegLoss.Runtime.Kernels;

/// <summary>
/// The Lovász extension of the Jaccard loss (Berman et al., 2018): per row (a class of a sample, or of the whole batch),
/// errors sorted in decreasing order, dotted with the Jaccard increments of the ground truth in that order:
/// <c>g = 1 - (G - cumsum(gt)) / (G + cumsum(1 - gt))</c>, differenced. Vectorized over all rows at once; pixels that
/// are not valid sort last and count in nothing.
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
}
