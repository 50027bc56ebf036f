using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using SegLoss.Demo;
using SegLoss.Demo.Dataset;
using SegLoss.Demo.Display;
using SegLoss.Demo.Report;
using SegLoss.Demo.Training;
using Spectre.Console;
using static TorchSharp.torch;

// The README's first command: synthetic lesions, a small U-Net, one training per loss, a table and PNG files.

var parsed = OptionsParser.Parse(args);
if (parsed.HelpRequested)
{
    Console.WriteLine(OptionsParser.HelpText);
    return 0;
}

if (parsed.Options is not { } options)
{
    Console.Error.WriteLine($"error: {parsed.Error}");
    return 2;
}

var clock = Stopwatch.StartNew();
set_num_threads(options.Threads);
var console = AnsiConsole.Console;
if (!console.Profile.Capabilities.Interactive && Console.IsOutputRedirected)
{
    // Redirected output (a CI log, a file) is read later, not in an 80-column terminal: keep table rows unwrapped.
    console.Profile.Width = Math.Max(console.Profile.Width, 120);
}

console.MarkupLineInterpolated(
    $"[bold]SegLoss demo[/]: {options.TrainImages} training and {options.ValidationImages} validation images of {options.ImageSize}x{options.ImageSize}, {options.Epochs} epochs per loss, seed {options.Seed}, {options.Threads} thread{(options.Threads == 1 ? "" : "s")}");
if (MachineLoad.BusyWarning(options.Threads) is { } warning)
{
    console.MarkupLineInterpolated($"[yellow]{warning}[/]");
}


var (train, validation) = SyntheticLesions.Splits(options.TrainImages, options.ValidationImages, options.ImageSize, options.Seed);
using (train)
using (validation)
{
    var lesions = validation.Lesions.Sum(l => l.Count);
    console.MarkupLineInterpolated($"Synthetic lesions: {SyntheticLesions.Description}; {lesions} lesions in the validation images.");

    var trainer = new Trainer(options);
    var losses = options.Losses.Select(LossChoices.Get).ToArray();
    var declarations = new Grid().AddColumn().AddColumn();
    foreach (var loss in losses)
    {
        declarations.AddRow(new Text(loss.Name, new Style(decoration: Decoration.Bold)), new Text(loss.Declaration));
    }

    console.Write(declarations);
    var runs = new List<TrainingRun>(losses.Length);
    if (console.Profile.Capabilities.Interactive)
    {
        console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn())
            .Start(context =>
            {
                var tasks = losses.Select(l => context.AddTask(Markup.Escape(l.Name), autoStart: false)).ToArray();
                for (var i = 0; i < losses.Length; i++)
                {
                    runs.Add(trainer.Train(losses[i], train, validation, new LiveProgress(tasks[i], losses[i].Name)));
                }
            });
    }
    else
    {
        foreach (var loss in losses)
        {
            runs.Add(trainer.Train(loss, train, validation, new LineProgress(Console.Out, loss.Name)));
        }
    }

    console.WriteLine();
    console.Write(ResultsTable.Build(runs));

    Directory.CreateDirectory(options.OutputFolder);
    var curves = Path.Combine(options.OutputFolder, "training-curves.png");
    var overlays = Path.Combine(options.OutputFolder, "predictions.png");
    var history = Path.Combine(options.OutputFolder, "history.csv");
    TrainingCurves.Save(runs, curves);
    PredictionOverlays.Save(runs, validation, OverlayImages, overlays);
    HistoryCsv.Save(runs, history);
    console.MarkupLineInterpolated($"Wrote {curves}, {overlays} and {history}.");
    console.MarkupLineInterpolated($"Total time {clock.Elapsed.TotalSeconds:0} s.");
}

return 0;

/// <summary>The program's constants.</summary>
internal static partial class Program
{
    /// <summary>Validation images shown in the overlay figure.</summary>
    private const int OverlayImages = 4;
}
