using System.Linq;
using static TorchSharp.torch;

namespace SegLoss.Benchmarks.Cases;

/// <summary>
/// Losses composed the way MONAI composes them: each term applies its own activation and builds its own one-hot
/// target; autograd keeps every intermediate. The baseline SegLoss is measured against.
/// </summary>
public static class NaiveLosses
{
    public static Tensor OneHot(Tensor labels, long classes) =>
        nn.functional.one_hot(labels, classes).movedim(new long[] { labels.dim() }, new long[] { 1 }).to_type(ScalarType.Float32);

    /// <summary>MONAI DiceLoss(softmax=True, to_onehot_y=True): per sample and class, mean.</summary>
    public static Tensor Dice(Tensor logits, Tensor labels)
    {
        var p = logits.softmax(1);
        var y = OneHot(labels, logits.shape[1]);
        var axes = Enumerable.Range(2, (int)logits.dim() - 2).Select(a => (long)a).ToArray();
        var intersection = (p * y).sum(axes);
        var denominator = p.sum(axes) + y.sum(axes);
        return (1 - (2 * intersection + 1e-5) / (denominator + 1e-5)).mean();
    }

    /// <summary>torch's cross-entropy on the logits.</summary>
    public static Tensor CrossEntropy(Tensor logits, Tensor labels) => nn.functional.cross_entropy(logits, labels);
}
