using System.Linq;
using static TorchSharp.torch;

namespace SegLoss.Benchmarks.Cases;

/// <summary>
/// Losses composed the way MONAI and smp compose them: each term applies its own activation and builds its own one-hot
/// target; autograd keeps every intermediate. The baseline SegLoss is measured against.
/// </summary>
public static class NaiveLosses
{
    public static Tensor OneHot(Tensor labels, long classes) =>
        nn.functional.one_hot(labels, classes).movedim(new long[] { labels.dim() }, new long[] { 1 }).to_type(ScalarType.Float32);

    private static long[] SpatialAxes(Tensor logits) => Enumerable.Range(2, (int)logits.dim() - 2).Select(a => (long)a).ToArray();

    /// <summary>MONAI DiceLoss(softmax=True, to_onehot_y=True): per sample and class, mean.</summary>
    public static Tensor Dice(Tensor logits, Tensor labels)
    {
        var p = logits.softmax(1);
        var y = OneHot(labels, logits.shape[1]);
        var axes = SpatialAxes(logits);
        var intersection = (p * y).sum(axes);
        var denominator = p.sum(axes) + y.sum(axes);
        return (1 - (2 * intersection + 1e-5) / (denominator + 1e-5)).mean();
    }

    /// <summary>torch's cross-entropy on the logits.</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor labels) => nn.functional.cross_entropy(logits, labels);

    /// <summary>MONAI FocalLoss(use_softmax=True, to_onehot_y=True): -(1 - p)^γ·y·log p, mean over every element.</summary>
    public static Tensor Focal(Tensor logits, Tensor labels, double gamma)
    {
        var logp = logits.log_softmax(1);
        var y = OneHot(labels, logits.shape[1]);
        return (-(1 - logp.exp()).pow(gamma) * y * logp).mean();
    }

    /// <summary>MONAI GeneralizedDiceLoss(softmax=True, to_onehot_y=True), square weights, per sample.</summary>
    public static Tensor GeneralizedDice(Tensor logits, Tensor labels)
    {
        var p = logits.softmax(1);
        var y = OneHot(labels, logits.shape[1]);
        var axes = SpatialAxes(logits);
        var ground = y.sum(axes);
        var w = 1 / ground.pow(2);
        var infinite = w.isinf();
        w = where(infinite, zeros_like(w), w);
        w = w + infinite * w.amax(new long[] { 1 }, keepdim: true);
        var numerator = 2 * (w * (p * y).sum(axes)).sum(1) + 1e-5;
        var denominator = (w * (p.sum(axes) + ground)).sum(1) + 1e-5;
        return (1 - numerator / denominator).mean();
    }

    /// <summary>MONAI TverskyLoss(softmax=True, to_onehot_y=True).</summary>
    public static Tensor Tversky(Tensor logits, Tensor labels, double alpha, double beta)
    {
        var p = logits.softmax(1);
        var y = OneHot(labels, logits.shape[1]);
        var axes = SpatialAxes(logits);
        var tp = (p * y).sum(axes);
        var fp = (p * (1 - y)).sum(axes);
        var fn = ((1 - p) * y).sum(axes);
        return (1 - (tp + 1e-5) / (tp + alpha * fp + beta * fn + 1e-5)).mean();
    }

    /// <summary>SegLossOdyssey TopKLoss: the mean of the largest k% per-pixel cross-entropies of the batch.</summary>
    public static Tensor TopK(Tensor logits, Tensor labels, double percent)
    {
        var losses = nn.functional.cross_entropy(logits, labels, reduction: nn.Reduction.None).reshape(-1);
        return losses.topk((int)(losses.shape[0] * percent / 100)).values.mean();
    }

    /// <summary>smp LovaszLoss(multiclass, per_image=False): per class, errors sorted, dot with the Lovász gradient.</summary>
    public static Tensor LovaszSoftmax(Tensor logits, Tensor labels)
    {
        var classes = logits.shape[1];
        var p = logits.softmax(1).movedim(new long[] { 1 }, new long[] { logits.dim() - 1 }).reshape(-1, classes);
        var y = labels.reshape(-1);
        Tensor? total = null;
        for (var c = 0; c < classes; c++)
        {
            var foreground = y.eq(c).to_type(ScalarType.Float32);
            var errors = (foreground - p[TensorIndex.Colon, c]).abs();
            var (sorted, permutation) = errors.sort(0, descending: true);
            var truth = foreground[permutation];
            var gts = truth.sum();
            var intersection = gts - truth.cumsum(0);
            var union = gts + (1 - truth).cumsum(0);
            var jaccard = 1 - intersection / union;
            jaccard = cat(new[] { jaccard[..1], jaccard[1..] - jaccard[..^1] });
            var loss = sorted.dot(jaccard);
            total = total is null ? loss : total + loss;
        }

        return total! / classes;
    }

    /// <summary>MONAI DiceLoss(sigmoid=False) on probabilities <c>[N, C, *spatial]</c> and a dense target: per sample and class, mean.</summary>
    public static Tensor ProbabilityDice(Tensor probabilities, Tensor target)
    {
        var axes = SpatialAxes(probabilities);
        var intersection = (probabilities * target).sum(axes);
        var denominator = probabilities.sum(axes) + target.sum(axes);
        return (1 - (2 * intersection + 1e-5) / (denominator + 1e-5)).mean();
    }

    /// <summary>
    /// blob_loss (Kofler et al.) as its reference composes it, with the probabilities masked: the main Dice
    /// (MONAI DiceLoss(sigmoid=True)) on the whole target, plus compute_blob_loss_multi's Python loop — per sample, the
    /// ids of <c>torch.unique</c> of the instance map, and per id a whole-volume soft Dice of the sigmoid with the other
    /// instances zeroed against that instance alone; the mean over the ids, then over the samples.
    /// </summary>
    public static Tensor BlobDice(Tensor logits, Tensor target, Tensor instances, double mainWeight, double blobWeight)
    {
        var main = ProbabilityDice(logits.sigmoid(), target);
        var probabilities = logits.sigmoid();
        Tensor? blobSum = null;
        for (var n = 0; n < logits.shape[0]; n++)
        {
            var label = instances[n..(n + 1)];
            var sample = probabilities[n..(n + 1)];
            Tensor? sampleSum = null;
            var count = 0;
            var (ids, _, _) = label.unique();
            foreach (var id in ids.data<long>().ToArray())
            {
                if (id == 0)
                {
                    continue;
                }

                // label_mask = ~(label > 0); label_mask[label == id] = 1; the_label = (label == id).int()
                var own = label.eq(id);
                var keep = label.le(0).logical_or(own);
                var value = ProbabilityDice(sample * keep, own.to_type(ScalarType.Float32));
                sampleSum = sampleSum is null ? value : sampleSum + value;
                count++;
            }

            var sampleMean = sampleSum! / count;
            blobSum = blobSum is null ? sampleMean : blobSum + sampleMean;
        }

        return mainWeight * main + blobWeight * (blobSum! / logits.shape[0]);
    }
}
