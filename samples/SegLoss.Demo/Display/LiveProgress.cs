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
        _task.Description = Describe(Stage(0, epochs));
        _task.StartTask();
    }

    /// <inheritdoc />
    public void StepDone() => _task.Increment(1);

    /// <inheritdoc />
    public void EpochDone(EpochRecord record, int epochs)
    {
        var v = record.Validation;
        _task.Description = Describe(string.Create(
            CultureInfo.InvariantCulture,
            $"{Stage(record.Epoch, epochs)}  loss {record.TrainLoss:0.000}  val Dice {v.PixelDice:0.000}  F1 {v.Instances.F1:0.000}"));
    }

    /// <inheritdoc />
    public void Finished(TrainingRun run)
    {
        _task.Value = _task.MaxValue;
        _task.StopTask();
    }

    /// <summary>"epoch 3/20" while epochs remain after <paramref name="done"/>, then "done", padded to one width.</summary>
    private static string Stage(int done, int epochs)
    {
        var width = $"epoch {epochs}/{epochs}".Length;
        return (done < epochs ? $"epoch {done + 1}/{epochs}" : "done").PadRight(width);
    }

    private string Describe(string status) => $"[bold]{Markup.Escape(_name),-10}[/] {Markup.Escape(status)}";
}
