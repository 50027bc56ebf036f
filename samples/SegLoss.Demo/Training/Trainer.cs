using System;
using System.Collections.Generic;
using System.Diagnostics;
using SegLoss.Demo.Dataset;
using SegLoss.Demo.Model;
using static TorchSharp.torch;

namespace SegLoss.Demo.Training;

/// <summary>
/// Trains a fresh <see cref="UNet"/> with one loss: Adam with a cosine learning-rate decay, shuffled mini-batches, every
/// step inside its own dispose scope, validation after every epoch. The seed fixes the initial weights and the batch
/// order, so every loss starts from the same network and sees the same batches.
/// </summary>
public sealed class Trainer
{
    /// <summary>Adam's initial learning rate.</summary>
    public const double LearningRate = 3e-3;

    private readonly DemoOptions _options;

    /// <summary>Creates a trainer with the demo's settings (epochs, batch size, seed).</summary>
    public Trainer(DemoOptions options) => _options = options;

    /// <summary>Trains with <paramref name="loss"/> on <paramref name="train"/> and scores on <paramref name="validation"/>.</summary>
    public TrainingRun Train(LossChoice loss, LesionImages train, LesionImages validation, ITrainingProgress progress)
    {
        var clock = Stopwatch.StartNew();
        random.manual_seed(_options.Seed);
        using var model = new UNet(width: _options.Width);
        using var lossModule = loss.Create();
        using var optimizer = optim.Adam(model.parameters(), lr: LearningRate);
        var stepsPerEpoch = (train.Count + _options.BatchSize - 1) / _options.BatchSize;
        var totalSteps = stepsPerEpoch * _options.Epochs;
        var schedule = optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max: totalSteps, eta_min: LearningRate / 20);
        var order = new Random(_options.Seed);
        var indices = new long[train.Count];
        var history = new List<EpochRecord>(_options.Epochs);
        progress.Started(_options.Epochs, totalSteps);

        ValidationScores scores = null!;
        byte[] predictions = Array.Empty<byte>();
        for (var epoch = 1; epoch <= _options.Epochs; epoch++)
        {
            Shuffle(order, indices);
            model.train();
            var lossSum = 0.0;
            for (var start = 0; start < train.Count; start += _options.BatchSize)
            {
                using var scope = NewDisposeScope();
                var length = Math.Min(_options.BatchSize, train.Count - start);
                var batch = tensor(indices.AsSpan(start, length).ToArray(), ScalarType.Int64);
                var images = train.Images.index_select(0, batch);
                var masks = train.Masks.index_select(0, batch);

                optimizer.zero_grad();
                var value = lossModule.call(model.call(images), masks);
                value.backward();
                optimizer.step();
                schedule.step();
                lossSum += value.item<float>();
                progress.StepDone();
            }

            (scores, predictions) = Evaluator.Evaluate(model, validation);
            var record = new EpochRecord(epoch, lossSum / stepsPerEpoch, scores, clock.Elapsed.TotalSeconds);
            history.Add(record);
            progress.EpochDone(record, _options.Epochs);
        }

        var run = new TrainingRun(loss, history, scores, predictions, clock.Elapsed.TotalSeconds);
        progress.Finished(run);
        return run;
    }

    private static void Shuffle(Random random, long[] indices)
    {
        for (var i = 0; i < indices.Length; i++)
        {
            indices[i] = i;
        }

        random.Shuffle(indices);
    }
}
