using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using ScottPlot;
using SegLoss.Demo.Dataset;
using SegLoss.Demo.Training;
using SegLoss.Runtime.Components;
using SegLoss.Runtime.Metrics;

namespace SegLoss.Demo.Report;

/// <summary>
/// Draws a grid of validation images: one row per image; columns: the image, the target lesions (green), then each
/// loss's final prediction (red) with the target outlined in green, captioned with that image's lesion counts.
/// </summary>
public static class PredictionOverlays
{
    private const int CellPixels = 256;
    private const int GapPixels = 12;
    private const int CaptionPixels = 40;
    private const int HeaderPixels = 34;
    private const int FooterPixels = 30;
    private const string Key =
        "Red: prediction (probability > 0.5). Green: target lesions (outlined over predictions). " +
        "found: lesions the prediction touches; false: predicted lesions touching none.";
    private static readonly (byte, byte, byte) Target = (40, 220, 60);
    private static readonly (byte, byte, byte) Prediction = (255, 40, 40);

    /// <summary>Writes the first <paramref name="images"/> validation images with every run's prediction to <paramref name="path"/> (PNG).</summary>
    public static void Save(IReadOnlyList<TrainingRun> runs, LesionImages validation, int images, string path)
    {
        images = Math.Min(images, validation.Count);
        var size = validation.Size;
        var scale = Math.Max(1, CellPixels / size);
        var cell = size * scale;
        var columns = 2 + runs.Count;
        var width = (columns * cell) + ((columns + 1) * GapPixels);
        var height = HeaderPixels + (images * (cell + CaptionPixels + GapPixels)) + FooterPixels;

        // One data unit per screen pixel, y pointing up from the bottom of the figure.
        var plot = new Plot();
        plot.Layout.Frameless();
        plot.HideAxesAndGrid();
        plot.FigureBackground.Color = Colors.White;
        plot.DataBackground.Color = Colors.White;
        plot.Axes.SetLimits(0, width, 0, height);

        var headers = new List<string> { "image", "target lesions" };
        headers.AddRange(runs.Select(r => r.Loss.Name));
        for (var c = 0; c < columns; c++)
        {
            Label(plot, headers[c], Left(c, cell) + (cell / 2.0), height - (HeaderPixels / 2.0), 18, bold: true);
        }

        var pixels = size * size;
        for (var row = 0; row < images; row++)
        {
            var top = height - HeaderPixels - (row * (cell + CaptionPixels + GapPixels));
            var image = validation.Pixels(row);
            var target = validation.Mask(row);
            var count = validation.Lesions[row].Count;
            Panel(plot, new OverlayImage(image, size, scale), 0, top, cell, $"validation image {row + 1}");
            Panel(plot, new OverlayImage(image, size, scale).Fill(target, Target, 0.55), 1, top, cell, $"{count} lesions");
            for (var r = 0; r < runs.Count; r++)
            {
                var predicted = runs[r].Predictions.AsSpan(row * pixels, pixels);
                var scores = InstanceMetrics.FromMasks(predicted, target, new[] { size, size }, Connectivity.C8);
                var caption = string.Create(
                    CultureInfo.InvariantCulture,
                    $"found {scores.DetectedTargets}/{scores.TargetInstances}, false {scores.FalsePredictions}, F1 {scores.F1:0.00}");
                var overlay = new OverlayImage(image, size, scale).Fill(predicted, Prediction, 0.5).Outline(target, Target);
                Panel(plot, overlay, 2 + r, top, cell, caption);
            }
        }

        Label(plot, Key, width / 2.0, FooterPixels / 2.0, 14, bold: false);
        plot.SavePng(path, width, height);
    }

    private static double Left(int column, int cell) => GapPixels + (column * (cell + GapPixels));

    private static void Panel(Plot plot, OverlayImage overlay, int column, double top, int cell, string caption)
    {
        var left = Left(column, cell);
        var rect = plot.Add.ImageRect(overlay.ToImage(), new CoordinateRect(left, left + cell, top - cell, top));
        rect.AntiAlias = false;
        Label(plot, caption, left + (cell / 2.0), top - cell - (CaptionPixels / 2.0), 15, bold: false);
    }

    private static void Label(Plot plot, string text, double x, double y, float size, bool bold)
    {
        var label = plot.Add.Text(text, x, y);
        label.Alignment = Alignment.MiddleCenter;
        label.LabelStyle.FontSize = size;
        label.LabelStyle.Bold = bold;
        label.LabelStyle.ForeColor = Colors.Black;
    }
}
