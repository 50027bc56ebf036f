using System.Globalization;
using SegLoss.Demo.Training;
using Spectre.Console;

namespace SegLoss.Demo.Display;

/// <summary>Shows one loss's training as a task of a Spectre.Console progress display (interactive terminals).</summary>
public sealed class LiveProgress : ITrainingProgress
{
    private readonly ProgressTask _task;
    private readonly string _name;

    /// <summary>Reports into <paramref name="task"/>, which was added (not started) for the loss <paramref name="name"/>.</summary>
    public LiveProgress(ProgressTask task, string name)
    {
        _task = task;
        _name = name;
    }

    /// <inheritdoc />
    public void Started(int epochs, int totalSteps)
    {
        _task.MaxValue = totalSteps;
        _task.Description = Describe($"epoch 1/{epochs}");
        _task.StartTask();
    }

    /// <inheritdoc />
    public void StepDone() => _task.Increment(1);

    /// <inheritdoc />
    public void EpochDone(EpochRecord record, int epochs)
    {
        var v = record.Validation;
        var next = record.Epoch < epochs ? $"epoch {record.Epoch + 1}/{epochs}" : "done";
        _task.Description = Describe(string.Create(
            CultureInfo.InvariantCulture,
            $"{next}  loss {record.TrainLoss:0.000}  val Dice {v.PixelDice:0.000}  F1 {v.Instances.F1:0.000}"));
    }

    /// <inheritdoc />
    public void Finished(TrainingRun run)
    {
        _task.Value = _task.MaxValue;
        _task.StopTask();
    }

    private string Describe(string status) => $"[bold]{Markup.Escape(_name),-10}[/] {Markup.Escape(status)}";
}
