using System.Collections.Generic;
using System.Globalization;
using SegLoss.Demo.Training;
using Spectre.Console;

namespace SegLoss.Demo.Report;

/// <summary>The comparison table printed at the end: validation scores of the final network of every loss.</summary>
public static class ResultsTable
{
    /// <summary>Builds the table for <paramref name="runs"/>.</summary>
    public static Table Build(IReadOnlyList<TrainingRun> runs)
    {
        var table = new Table()
            .Border(TableBorder.Rounded)
            .Title("Validation set after the last epoch")
            .Caption("Threshold 0.5. Lesions: 8-connected components; found = touched by the prediction, false = predicted components touching no lesion.")
            .AddColumn("loss")
            .AddColumn(new TableColumn("pixel Dice").RightAligned())
            .AddColumn(new TableColumn("lesion F1").RightAligned())
            .AddColumn(new TableColumn("sensitivity").RightAligned())
            .AddColumn(new TableColumn("precision").RightAligned())
            .AddColumn(new TableColumn("found").RightAligned())
            .AddColumn(new TableColumn("false").RightAligned())
            .AddColumn(new TableColumn("time").RightAligned());
        foreach (var run in runs)
        {
            var s = run.Final;
            var i = s.Instances;
            table.AddRow(
                Markup.Escape(run.Loss.Name),
                Format(s.PixelDice),
                Format(i.F1),
                Format(i.Sensitivity),
                Format(i.Precision),
                string.Create(CultureInfo.InvariantCulture, $"{i.DetectedTargets}/{i.TargetInstances}"),
                string.Create(CultureInfo.InvariantCulture, $"{i.FalsePredictions}/{i.PredictedInstances}"),
                string.Create(CultureInfo.InvariantCulture, $"{run.Seconds:0} s"));
        }

        return table;
    }

    private static string Format(double value) => value.ToString("0.000", CultureInfo.InvariantCulture);
}
