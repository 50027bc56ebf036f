using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace SegLoss.Runtime;

/// <summary>How a deep-supervision target is brought to the resolution of a lower output.</summary>
public enum TargetDownsampling
{
    /// <summary>
    /// Nearest neighbour (nnU-Net's default). Cheap; a lesion smaller than the stride can vanish from the coarse target.
    /// </summary>
    Nearest = 0,

    /// <summary>
    /// Max-pooling of the one-hot target: a coarse pixel belongs to every class present in its cell, so small lesions
    /// survive (the coarse target is multi-hot and passed to the loss as a dense target).
    /// </summary>
    MaxPoolOneHot = 1,
}

/// <summary>
/// Deep supervision: a declared loss applied to the outputs of several decoder scales, ordered from the highest
/// resolution down, with weights <c>1/2^l</c> normalized to sum to 1 (or given weights, normalized) and the target
/// brought to each output's spatial size. A single output gives exactly the inner loss.
/// </summary>
public sealed class DeepSupervisionLoss : Loss<IReadOnlyList<Tensor>, Tensor, Tensor>
{
    private readonly Loss<Tensor, Tensor, Tensor> _inner;
    private readonly double[]? _weights;
    private readonly TargetDownsampling _downsampling;

    /// <summary>Wraps <paramref name="inner"/>.</summary>
    /// <param name="inner">The loss applied at every scale.</param>
    /// <param name="weights">One weight per output (normalized); null: 1/2^l.</param>
    /// <param name="downsampling">How the target follows the outputs' resolution.</param>
    public DeepSupervisionLoss(Loss<Tensor, Tensor, Tensor> inner, double[]? weights = null, TargetDownsampling downsampling = TargetDownsampling.Nearest)
        : base(nn.Reduction.Mean)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
        if (weights is not null && (weights.Length == 0 || weights.Any(w => !(w >= 0) || double.IsInfinity(w)) || weights.Sum() <= 0))
        {
            throw new ArgumentException("weights must be finite, non-negative and not all zero.", nameof(weights));
        }

        _weights = weights?.ToArray();
        _downsampling = downsampling;
        register_module("inner", inner);
    }

    /// <summary>The normalized weight of each of <paramref name="outputs"/> outputs.</summary>
    public double[] Weights(int outputs)
    {
        if (_weights is not null && _weights.Length != outputs)
        {
            throw new ArgumentException($"{_weights.Length} weights were given for {outputs} outputs.", "outputs");
        }

        var raw = _weights ?? Enumerable.Range(0, outputs).Select(l => Math.Pow(0.5, l)).ToArray();
        var total = raw.Sum();
        return raw.Select(w => w / total).ToArray();
    }

    /// <summary>The weighted sum of the inner loss over <paramref name="outputs"/> (highest resolution first).</summary>
    public override Tensor forward(IReadOnlyList<Tensor> outputs, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(outputs);
        if (outputs.Count == 0)
        {
            throw new ArgumentException("deep supervision needs at least one output.", nameof(outputs));
        }

        for (var level = 1; level < outputs.Count; level++)
        {
            if (Elements(outputs[level]) > Elements(outputs[level - 1]))
            {
                throw new ArgumentException($"outputs must go from the highest resolution down; output {level} is larger than output {level - 1}.", nameof(outputs));
            }
        }

        var weights = Weights(outputs.Count);
        using var scope = NewDisposeScope();
        Tensor? total = null;
        for (var level = 0; level < outputs.Count; level++)
        {
            var term = weights[level] * _inner.call(outputs[level], Downsample(target, outputs[level]));
            total = total is null ? term : total + term;
        }

        return total!.MoveToOuterDisposeScope();
    }

    private static long Elements(Tensor output) => output.shape.Skip(2).Aggregate(1L, (a, b) => a * b);

    /// <summary>The target at the spatial size of <paramref name="output"/>, without gradient.</summary>
    private Tensor Downsample(Tensor target, Tensor output)
    {
        using var noGrad = no_grad();
        var size = output.shape[2..];
        if (target.shape.Skip((int)target.dim() - size.Length).SequenceEqual(size))
        {
            return target;
        }

        var indices = target.dim() == output.dim() - 1;
        var channelTarget = indices ? target.unsqueeze(1) : target;
        var isIndex = indices || (target.shape[1] == 1 && output.shape[1] > 1);
        if (_downsampling == TargetDownsampling.Nearest || !isIndex)
        {
            var resized = _downsampling == TargetDownsampling.Nearest
                ? nn.functional.interpolate(channelTarget.to_type(ScalarType.Float64), size, mode: InterpolationMode.Nearest)
                : MaxPool(channelTarget.to_type(ScalarType.Float64), size);
            resized = resized.to_type(target.dtype);
            return indices ? resized.squeeze(1) : resized;
        }

        var oneHot = nn.functional.one_hot(channelTarget.squeeze(1).to_type(ScalarType.Int64), (int)output.shape[1])
            .movedim(new long[] { channelTarget.dim() - 1 }, new long[] { 1 })
            .to_type(output.dtype == ScalarType.Float64 ? ScalarType.Float64 : ScalarType.Float32);
        return MaxPool(oneHot, size);
    }

    private static Tensor MaxPool(Tensor maps, long[] size) => size.Length switch
    {
        1 => nn.functional.adaptive_max_pool1d(maps, size[0]),
        2 => nn.functional.adaptive_max_pool2d(maps, size),
        3 => nn.functional.adaptive_max_pool3d(maps, size),
        _ => throw new ArgumentException("max-pool downsampling supports 1 to 3 spatial dimensions.", nameof(size)),
    };
}
