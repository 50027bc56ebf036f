using System;
using static TorchSharp.torch;

namespace SegLoss.Runtime;

/// <summary>The steps every generated term ends with: class averaging, empty samples, reduction, finiteness.</summary>
public static class LossTerms
{
    /// <summary>
    /// Mean of per-class values <c>[P, C]</c> over the term's classes: <c>[P, 1]</c> (class weights <c>[C]</c> give a scalar).
    /// </summary>
    public static Tensor MeanOverClasses(Tensor perClass, Tensor classes) =>
        perClass.dim() == 1 ? perClass.index_select(0, classes).mean() : perClass.index_select(1, classes).mean(new long[] { 1 }, keepdim: true);

    /// <summary>Statistic-level <c>sumc</c>: over the term's classes (class weights <c>[C]</c> give a scalar).</summary>
    public static Tensor SumOverClasses(Tensor values, Tensor classes) =>
        values.dim() == 1 ? values.index_select(0, classes).sum() : values.index_select(1, classes).sum(new long[] { 1 }, keepdim: true);

    /// <summary>Statistic-level <c>maxc</c>: over the term's classes.</summary>
    public static Tensor MaxOverClasses(Tensor values, Tensor classes) =>
        values.dim() == 1 ? values.index_select(0, classes).max() : values.index_select(1, classes).amax(new long[] { 1 }, keepdim: true);

    /// <summary>Statistic-level <c>minc</c>: over the term's classes.</summary>
    public static Tensor MinOverClasses(Tensor values, Tensor classes) =>
        values.dim() == 1 ? values.index_select(0, classes).min() : values.index_select(1, classes).amin(new long[] { 1 }, keepdim: true);

    /// <summary>
    /// <c>meanb</c>: the mean over the samples of per-sample values <c>[P, 1]</c>, as <c>[1, 1]</c>; under
    /// <see cref="Reduction.None"/> every sample is its own batch, so the values stay per sample.
    /// </summary>
    public static Tensor MeanOverBatch(Tensor values, Reduction reduction) =>
        reduction == Reduction.None ? values : values.mean(new long[] { 0 }, keepdim: true);

    /// <summary>
    /// A term's value per sample (or for the pooled batch) <c>[P]</c>, with 0 where no pixel is valid: such a sample
    /// contributes loss 0 and zero gradient.
    /// </summary>
    public static Tensor Finish(Tensor value, Tensor validCount)
    {
        var expanded = value.expand_as(validCount);
        return where(validCount.gt(0), expanded, zeros_like(expanded)).reshape(-1);
    }

    /// <summary>
    /// Reduces a term's values <c>[P]</c>: Mean, Sum (= N · Mean) or None (per sample; pooling is off then).
    /// </summary>
    public static Tensor Reduce(Tensor values, Reduction reduction, long samples) => reduction switch
    {
        Reduction.None => values,
        Reduction.Sum => values.shape[0] == samples ? values.sum() : values.mean() * samples,
        _ => values.mean(),
    };

    /// <summary>Throws when the loss is NaN or infinite, naming the cause: the input, or the declaration's arithmetic.</summary>
    public static void EnsureFinite(Tensor loss, Tensor input)
    {
        if (loss.isfinite().all().item<bool>())
        {
            return;
        }

        if (!input.isfinite().all().item<bool>())
        {
            throw new ArgumentException("input contains NaN or infinite values.", nameof(input));
        }

        throw new InvalidOperationException(
            "The loss is not finite although the input is. Check the target for NaN or infinite values, and the declaration's " +
            "expressions for a log or division that can reach 0 (smoothing constants avoid that).");
    }
}
