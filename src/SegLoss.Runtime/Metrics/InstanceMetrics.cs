using System;
using System.Linq;
using SegLoss.Runtime.Components;
using TorchSharp;
using static TorchSharp.torch;

namespace SegLoss.Runtime.Metrics;

/// <summary>
/// Instance-level sensitivity (recall), precision and F1 between a prediction and a target, from the connected
/// components of binary masks or from instance maps. Definitions and empty cases: <see cref="InstanceScores"/>; when a
/// prediction finds a target: <see cref="InstanceMatching"/> (default: any shared voxel, as the WMH challenge).
/// </summary>
/// <remarks>
/// Binary masks: non-zero is foreground; threshold probabilities first (<c>probabilities.gt(0.5)</c>). A binary
/// prediction against a given target instance map: label the prediction with <see cref="ConnectedComponents"/> and call
/// <c>FromInstances</c>. Tensor overloads score each sample of the batch on its own; pool them with
/// <see cref="InstanceScores.Pool"/> or average the per-sample metrics.
/// </remarks>
public static class InstanceMetrics
{
    /// <summary>Scores the connected components of two binary masks of one shape (row-major, non-zero foreground).</summary>
    /// <exception cref="ArgumentException">The masks do not match the shape or the connectivity.</exception>
    public static InstanceScores FromMasks(
        ReadOnlySpan<byte> prediction, ReadOnlySpan<byte> target, ReadOnlySpan<int> shape, Connectivity connectivity, InstanceMatching matching = default)
    {
        var predicted = ConnectedComponents.Label(prediction, shape, connectivity);
        var expected = ConnectedComponents.Label(target, shape, connectivity);
        return InstanceMatcher.Score<int, int>(predicted.Labels, predicted.Count, expected.Labels, expected.Count, matching);
    }

    /// <summary>
    /// Scores two instance maps of the same length: 0 is background, every distinct positive id one instance (ids need
    /// not be dense, and an id's voxels need not be connected).
    /// </summary>
    /// <exception cref="ArgumentException">Different lengths, or a negative id.</exception>
    public static InstanceScores FromInstances(ReadOnlySpan<int> predicted, ReadOnlySpan<int> target, InstanceMatching matching = default)
    {
        if (predicted.Length != target.Length)
        {
            throw new ArgumentException($"predicted has {predicted.Length} voxels but target has {target.Length}.", nameof(target));
        }

        var (p, pCount) = InstanceMaps.Compact(predicted, nameof(predicted));
        var (t, tCount) = InstanceMaps.Compact(target, nameof(target));
        return InstanceMatcher.Score<int, int>(p, pCount, t, tCount, matching);
    }

    /// <summary>
    /// Scores each sample of two binary masks of the same shape (<c>[N, *spatial]</c> or <c>[N, 1, *spatial]</c>, any
    /// real or boolean dtype, non-zero foreground), instances being connected components under
    /// <paramref name="connectivity"/>.
    /// </summary>
    /// <returns>One score per sample.</returns>
    /// <exception cref="ArgumentException">Different shapes, or a shape or dtype <see cref="ConnectedComponents.Label(Tensor, Connectivity)"/> rejects.</exception>
    public static InstanceScores[] FromMasks(Tensor prediction, Tensor target, Connectivity connectivity, InstanceMatching matching = default)
    {
        SameShape(prediction, target);
        using var scope = NewDisposeScope();
        var predicted = ConnectedComponents.Label(prediction, connectivity);
        var expected = ConnectedComponents.Label(target, connectivity);
        var p = Int64OnCpu(predicted.Labels);
        var t = Int64OnCpu(expected.Labels);
        var scores = new InstanceScores[predicted.Samples];
        for (var n = 0; n < scores.Length; n++)
        {
            scores[n] = InstanceMatcher.Score<long, long>(Sample(p, n), predicted.Counts[n], Sample(t, n), expected.Counts[n], matching);
        }

        return scores;
    }

    /// <summary>
    /// Scores each sample of two integer instance maps of the same shape <c>[N, ...]</c>: 0 is background, every
    /// distinct positive id of a sample one instance.
    /// </summary>
    /// <returns>One score per sample.</returns>
    /// <exception cref="ArgumentException">Different shapes, a non-integer dtype, or a negative id.</exception>
    public static InstanceScores[] FromInstances(Tensor predicted, Tensor target, InstanceMatching matching = default)
    {
        SameShape(predicted, target);
        CheckInteger(predicted, nameof(predicted));
        CheckInteger(target, nameof(target));
        if (predicted.dim() < 1)
        {
            throw new ArgumentException("instance maps must be [N, ...].", nameof(predicted));
        }

        using var scope = NewDisposeScope();
        var p = Int64OnCpu(predicted);
        var t = Int64OnCpu(target);
        var scores = new InstanceScores[(int)predicted.shape[0]];
        for (var n = 0; n < scores.Length; n++)
        {
            var (pLabels, pCount) = InstanceMaps.Compact(Sample(p, n), nameof(predicted));
            var (tLabels, tCount) = InstanceMaps.Compact(Sample(t, n), nameof(target));
            scores[n] = InstanceMatcher.Score<int, int>(pLabels, pCount, tLabels, tCount, matching);
        }

        return scores;
    }

    /// <summary>Sample <paramref name="n"/> of a contiguous int64 CPU tensor <c>[N, ...]</c> (at most 2³¹ − 1 voxels per sample).</summary>
    private static unsafe ReadOnlySpan<long> Sample(Tensor tensor, int n)
    {
        var voxels = tensor.NumberOfElements / tensor.shape[0];
        if (voxels > int.MaxValue)
        {
            throw new ArgumentException($"a sample of {voxels} voxels is too large.", nameof(tensor));
        }

        return voxels == 0 ? ReadOnlySpan<long>.Empty : new ReadOnlySpan<long>(TensorMemory.Address<long>(tensor) + n * voxels, (int)voxels);
    }

    private static Tensor Int64OnCpu(Tensor tensor) => tensor.to(ScalarType.Int64, new Device(DeviceType.CPU)).contiguous();

    private static void SameShape(Tensor predicted, Tensor target)
    {
        if (!predicted.shape.SequenceEqual(target.shape))
        {
            throw new ArgumentException(
                $"prediction and target must have the same shape; got {TensorShapes.Format(predicted)} and {TensorShapes.Format(target)}.",
                nameof(target));
        }
    }

    private static void CheckInteger(Tensor map, string parameter)
    {
        if (!TensorShapes.IsInteger(map.dtype))
        {
            throw new ArgumentException($"an instance map must be an integer tensor; got {map.dtype}.", parameter);
        }
    }
}
