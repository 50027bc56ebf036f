using System.Collections.Generic;
using System.Globalization;
using System.IO;
using SegLoss.Demo.Training;

namespace SegLoss.Demo.Report;

/// <summary>Writes every epoch of every run as one CSV row, for plotting elsewhere.</summary>
public static class HistoryCsv
{
    /// <summary>Writes <paramref name="runs"/> to <paramref name="path"/>.</summary>
    public static void Save(IReadOnlyList<TrainingRun> runs, string path)
    {
        using var writer = new StreamWriter(path);
        writer.WriteLine("loss,epoch,train_loss,val_dice,val_f1,val_sensitivity,val_precision,seconds");
        foreach (var run in runs)
        {
            foreach (var r in run.History)
            {
                var i = r.Validation.Instances;
                writer.WriteLine(string.Create(
                    CultureInfo.InvariantCulture,
                    $"{run.Loss.Name},{r.Epoch},{r.TrainLoss:R},{r.Validation.PixelDice:R},{i.F1:R},{i.Sensitivity:R},{i.Precision:R},{r.Seconds:0.###}"));
            }
        }
    }
}
