using System;
using System.Linq;
using TensorPrimitives = System.Numerics.Tensors.TensorPrimitives;
using TorchSharp;
using static TorchSharp.torch;

namespace SegLoss.Runtime;

/// <summary>
/// Validation and reading of a loss's input and target. Every misuse is an <see cref="ArgumentException"/> that names
/// the argument and says what was expected, before any native call could fail obscurely.
/// </summary>
internal static class InputChecks
{
    public static void CheckInput(Tensor input, LossBatchOptions options)
    {
        if (input.dim() < 3)
        {
            throw new ArgumentException(
                $"input must be [N, C, *spatial] with at least one spatial dimension; got shape {TensorShapes.Format(input)}.",
                nameof(input));
        }

        if (!TensorShapes.IsFloating(input.dtype))
        {
            throw new ArgumentException(
                $"input must be a floating-point tensor (float16, bfloat16, float32 or float64); got {input.dtype}.",
                nameof(input));
        }

        if (input.shape.Any(s => s == 0))
        {
            throw new ArgumentException($"input is empty: shape {TensorShapes.Format(input)}.", nameof(input));
        }

        if (options.RequiresSeveralClasses && input.shape[1] < 2)
        {
            throw new ArgumentException(
                "input has a single channel, but a softmax over one channel is always 1: use Activation.Sigmoid for binary segmentation, " +
                "or give the background its own channel.",
                nameof(input));
        }
    }

    /// <summary>
    /// Class indices are <c>[N, *spatial]</c>, or <c>[N, 1, *spatial]</c> when the input has more than one channel.
    /// A single-channel input with a <c>[N, 1, *spatial]</c> target is a binary (dense) target.
    /// </summary>
    public static bool IsClassIndexTarget(Tensor input, Tensor target)
    {
        CheckDevice(input, target);
        var spatial = input.shape[2..];
        if (target.dim() == input.dim() - 1)
        {
            if (target.shape[0] != input.shape[0] || !target.shape[1..].SequenceEqual(spatial))
            {
                throw ShapeMismatch(input, target);
            }

            return true;
        }

        if (target.dim() != input.dim() || target.shape[0] != input.shape[0] || !target.shape[2..].SequenceEqual(spatial))
        {
            throw ShapeMismatch(input, target);
        }

        var channels = target.shape[1];
        if (channels == input.shape[1])
        {
            return false;
        }

        if (channels == 1)
        {
            return true;
        }

        throw new ArgumentException(
            $"target has {channels} channels but input has {input.shape[1]}: a dense target needs one channel per class, " +
            $"class indices need one (or none). Shapes: input {TensorShapes.Format(input)}, target {TensorShapes.Format(target)}.",
            nameof(target));
    }

    /// <summary>Reads class indices as <c>[N, 1, X]</c> int64 (ignored pixels set to 0) and the valid mask.</summary>
    public static (Tensor Labels, Tensor? Valid) ReadClassIndices(Tensor input, Tensor target, int? ignoreIndex)
    {
        if (!TensorShapes.IsInteger(target.dtype))
        {
            throw new ArgumentException(
                $"target must hold class indices as an integer tensor (int64) for this input of {input.shape[1]} channels; got {target.dtype}. " +
                "Convert it with target.to(torch.int64), or pass a one-hot target with one channel per class.",
                nameof(target));
        }

        var n = input.shape[0];
        var classes = input.shape[1];
        var labels = target.to_type(ScalarType.Int64).reshape(n, 1, -1);
        if (ignoreIndex is not { } ignoreValue || ignoreValue < 0 || ignoreValue >= classes)
        {
            // The common case in two reductions: every label a class, so none is out of range or ignored.
            var (lowest, highest) = LabelRange(labels);
            if (lowest >= 0 && highest < classes)
            {
                return (labels, null);
            }
        }

        Tensor? valid = null;
        var outOfRange = labels.lt(0).logical_or(labels.ge(classes));
        if (ignoreIndex is { } ignore)
        {
            var ignored = labels.eq(ignore);
            outOfRange = outOfRange.logical_and(ignored.logical_not());
            if (ignored.any().item<bool>())
            {
                valid = ignored.logical_not();
                labels = labels.masked_fill(ignored, 0);
            }
        }

        if (outOfRange.any().item<bool>())
        {
            var bad = target.to_type(ScalarType.Int64).reshape(-1).index_select(0, outOfRange.reshape(-1).nonzero().reshape(-1)[..1]);
            var ignoreText = ignoreIndex is null ? "" : $" (or the ignore index {ignoreIndex})";
            throw new ArgumentException(
                $"target holds the label {bad.item<long>()}, outside [0, {classes}){ignoreText}: the input has {classes} channels.",
                nameof(target));
        }

        return (labels, valid);
    }

    /// <summary>
    /// The smallest and largest label. On the CPU a contiguous int64 target is read directly: libtorch's reductions
    /// would start its OpenMP threads, which then spin-wait for a while and take cores from the CPU kernel that follows.
    /// </summary>
    private static unsafe (long Lowest, long Highest) LabelRange(Tensor labels)
    {
        if (labels.device_type == DeviceType.CPU && labels.dtype == ScalarType.Int64 && labels.is_contiguous()
            && labels.NumberOfElements <= int.MaxValue)
        {
            var values = new ReadOnlySpan<long>(TensorMemory.Address<long>(labels), (int)labels.NumberOfElements);
            return (TensorPrimitives.Min(values), TensorPrimitives.Max(values));
        }

        return (labels.min().item<long>(), labels.max().item<long>());
    }

    /// <summary>A dense target: one channel per class (one-hot, soft labels, or binary for one channel).</summary>
    public static Tensor ReadDenseTarget(Tensor input, Tensor target)
    {
        if (target.dtype == ScalarType.Bool || TensorShapes.IsInteger(target.dtype) || TensorShapes.IsFloating(target.dtype))
        {
            return target;
        }

        throw new ArgumentException($"target must be a real-valued tensor; got {target.dtype}.", nameof(target));
    }

    private static void CheckDevice(Tensor input, Tensor target)
    {
        if (input.device.type != target.device.type || input.device.index != target.device.index)
        {
            throw new ArgumentException($"target is on {target.device} but input is on {input.device}: move both to one device.", nameof(target));
        }
    }

    private static ArgumentException ShapeMismatch(Tensor input, Tensor target) =>
        new(
            $"target shape {TensorShapes.Format(target)} does not match input shape {TensorShapes.Format(input)}: expected class indices " +
            $"[N, *spatial] or [N, 1, *spatial], or a dense target [N, C, *spatial], with N = {input.shape[0]} and spatial = {TensorShapes.Format(input.shape[2..])}.",
            nameof(target));
}
