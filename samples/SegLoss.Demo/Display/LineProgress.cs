using System;
using System.Globalization;
using System.IO;
using SegLoss.Demo.Training;

namespace SegLoss.Demo.Display;

/// <summary>
/// Reports training as one plain line per epoch: for redirected output (CI logs, files), where Spectre.Console's live
/// progress display prints nothing.
/// </summary>
public sealed class LineProgress : ITrainingProgress
{
    private readonly TextWriter _writer;
    private readonly string _name;

    /// <summary>Writes to <paramref name="writer"/> for the loss <paramref name="name"/>.</summary>
    public LineProgress(TextWriter writer, string name)
    {
        _writer = writer;
        _name = name;
    }

    /// <inheritdoc />
    public void Started(int epochs, int totalSteps) =>
        Write($"[{_name}] training: {epochs} epochs, {totalSteps / epochs} steps each");

    /// <inheritdoc />
    public void StepDone()
    {
    }

    /// <inheritdoc />
    public void EpochDone(EpochRecord record, int epochs)
    {
        var v = record.Validation;
        Write(string.Create(
            CultureInfo.InvariantCulture,
            $"[{_name}] epoch {record.Epoch.ToString(CultureInfo.InvariantCulture).PadLeft(epochs.ToString(CultureInfo.InvariantCulture).Length)}/{epochs}  " +
            $"loss {record.TrainLoss:0.0000}  val Dice {v.PixelDice:0.000}  F1 {v.Instances.F1:0.000}  " +
            $"sensitivity {v.Instances.Sensitivity:0.000}  precision {v.Instances.Precision:0.000}  ({record.Seconds:0.0} s)"));
    }

    /// <inheritdoc />
    public void Finished(TrainingRun run) =>
        Write(string.Create(CultureInfo.InvariantCulture, $"[{_name}] done in {run.Seconds:0.0} s"));

    private void Write(string line)
    {
        _writer.WriteLine(line);
        _writer.Flush();
    }
}
