using System;
using System.Collections.Generic;
using System.Linq;
using ScottPlot;
using SegLoss.Demo.Training;

namespace SegLoss.Demo.Report;

/// <summary>
/// Draws the training curves of every loss side by side: the training loss (relative to its first epoch, since the
/// losses have different scales), the validation pixel Dice, and the validation instance F1 with sensitivity.
/// </summary>
public static class TrainingCurves
{
    /// <summary>Writes the figure to <paramref name="path"/> (PNG).</summary>
    public static void Save(IReadOnlyList<TrainingRun> runs, string path)
    {
        var figure = new Multiplot();
        figure.AddPlots(3);
        figure.Layout = new ScottPlot.MultiplotLayouts.Grid(rows: 1, columns: 3);
        var (loss, dice, instances) = (figure.GetPlot(0), figure.GetPlot(1), figure.GetPlot(2));

        for (var i = 0; i < runs.Count; i++)
        {
            var run = runs[i];
            var color = LossColors.Of(i);
            var epochs = run.History.Select(r => (double)r.Epoch).ToArray();
            var first = run.History[0].TrainLoss;
            Line(loss, epochs, run.History.Select(r => r.TrainLoss / first).ToArray(), color, run.Loss.Name);
            Line(dice, epochs, run.History.Select(r => r.Validation.PixelDice).ToArray(), color, run.Loss.Name);
            Line(instances, epochs, run.History.Select(r => r.Validation.Instances.F1).ToArray(), color, $"{run.Loss.Name} F1");
            var sensitivity = Line(
                instances, epochs, run.History.Select(r => r.Validation.Instances.Sensitivity).ToArray(), color, $"{run.Loss.Name} sensitivity");
            sensitivity.LinePattern = LinePattern.Dashed;
            sensitivity.MarkerSize = 0;
        }

        Style(loss, "Training loss / its epoch-1 value", "relative loss");
        Style(dice, "Validation pixel Dice", "Dice");
        Style(instances, "Validation lesions: F1 (solid), sensitivity (dashed)", "score");
        loss.Legend.Alignment = Alignment.UpperRight;
        instances.Legend.Alignment = Alignment.LowerRight;
        dice.Legend.Alignment = Alignment.LowerRight;
        figure.SavePng(path, 1500, 480);
    }

    private static ScottPlot.Plottables.Scatter Line(Plot plot, double[] xs, double[] ys, Color color, string label)
    {
        var line = plot.Add.Scatter(xs, ys, color);
        line.LegendText = label;
        line.LineWidth = 2;
        line.MarkerSize = 4;
        return line;
    }

    private static void Style(Plot plot, string title, string yLabel)
    {
        plot.Title(title, size: 14);
        plot.XLabel("epoch", size: 12);
        plot.YLabel(yLabel, size: 12);
        plot.ShowLegend();
    }
}
