using System;
using System.Linq;
using SegLoss.Demo.Dataset;
using SegLoss.Demo.Model;
using SegLoss.Runtime.Components;
using SegLoss.Runtime.Metrics;
using static TorchSharp.torch;

namespace SegLoss.Demo.Training;

/// <summary>Scores a network on a split: pixel Dice and the runtime's instance metrics of its thresholded predictions.</summary>
public static class Evaluator
{
    private const int ChunkSize = 32;

    /// <summary>The scores of <paramref name="model"/> on <paramref name="data"/>, and its thresholded masks.</summary>
    public static (ValidationScores Scores, byte[] Predictions) Evaluate(UNet model, LesionImages data)
    {
        model.eval();
        using var noGrad = no_grad();
        var pixels = data.Size * data.Size;
        var predictions = new byte[data.Count * pixels];
        var diceSum = 0.0;
        var instances = new InstanceScores[data.Count];
        for (var start = 0; start < data.Count; start += ChunkSize)
        {
            using var scope = NewDisposeScope();
            var length = Math.Min(ChunkSize, data.Count - start);
            var images = data.Images.narrow(0, start, length);
            var target = data.Masks.narrow(0, start, length);
            var predicted = model.call(images).gt(0.0);  // sigmoid(z) > 0.5
            var predictedFloat = predicted.to_type(ScalarType.Float32);

            var overlap = (predictedFloat * target).sum(new long[] { 1, 2, 3 });
            var sizes = predictedFloat.sum(new long[] { 1, 2, 3 }) + target.sum(new long[] { 1, 2, 3 });
            var dice = where(sizes.gt(0), 2 * overlap / sizes.clamp_min(1), ones_like(sizes));  // both empty: 1
            diceSum += dice.sum().item<float>();

            InstanceMetrics.FromMasks(predicted, target, Connectivity.C8).CopyTo(instances, start);
            predicted.to_type(ScalarType.Byte).contiguous().data<byte>().CopyTo(predictions, start * pixels);
        }

        var scores = new ValidationScores(diceSum / Math.Max(1, data.Count), InstanceScores.Pool(instances.AsEnumerable()));
        return (scores, predictions);
    }
}
