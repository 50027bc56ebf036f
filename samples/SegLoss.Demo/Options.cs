using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace SegLoss.Demo;

/// <summary>The demo's settings, from the command line (<see cref="OptionsParser"/>); the defaults finish in a few minutes on 2 CPU cores.</summary>
/// <param name="Epochs">Passes over the training images, per loss.</param>
/// <param name="ImageSize">Side of the square images, in pixels (a multiple of 4).</param>
/// <param name="Losses">The losses to train, in order (names of <see cref="LossChoices"/>).</param>
/// <param name="OutputFolder">Where the PNG files and the CSV history go.</param>
/// <param name="Seed">Seed of the data, the weights and the batch order: the same for every loss.</param>
/// <param name="Threads">
/// Threads TorchSharp may use. Default 1: the network is small and its threads synchronize many times per step; on 2
/// cores, 2 threads were about 1.5× faster on an idle machine and about 6× slower on a busy one.
/// </param>
/// <param name="TrainImages">Images in the training split.</param>
/// <param name="ValidationImages">Images in the validation split.</param>
/// <param name="BatchSize">Images per training step.</param>
/// <param name="Width">Channels of the U-Net's first level (doubled at each level down).</param>
public sealed record DemoOptions(
    int Epochs,
    int ImageSize,
    IReadOnlyList<string> Losses,
    string OutputFolder,
    int Seed,
    int Threads,
    int TrainImages,
    int ValidationImages,
    int BatchSize,
    int Width)
{
    /// <summary>The settings used when no option is given.</summary>
    public static DemoOptions Defaults { get; } = new(
        Epochs: 20,
        ImageSize: 64,
        Losses: LossChoices.Names,
        OutputFolder: "demo-output",
        Seed: 42,
        Threads: 1,
        TrainImages: 256,
        ValidationImages: 96,
        BatchSize: 16,
        Width: 8);
}

/// <summary>The outcome of reading the command line: options to run with, a request for help, or an error message.</summary>
public sealed record ParsedArguments(DemoOptions? Options, bool HelpRequested, string? Error)
{
    /// <summary>Options to run with.</summary>
    public static ParsedArguments Run(DemoOptions options) => new(options, false, null);

    /// <summary><c>--help</c> was given.</summary>
    public static ParsedArguments Help { get; } = new(null, true, null);

    /// <summary>The command line is invalid.</summary>
    public static ParsedArguments Invalid(string error) => new(null, false, error);
}

/// <summary>Reads the demo's command line by hand: <c>--name value</c> or <c>--name=value</c>.</summary>
public static class OptionsParser
{
    /// <summary>The text <c>--help</c> prints.</summary>
    public static string HelpText
    {
        get
        {
            var d = DemoOptions.Defaults;
            return $"""
                SegLoss demo: trains a small U-Net on synthetic lesion images with several losses and compares them.

                Usage: dotnet run --project samples/SegLoss.Demo -c Release -- [options]

                Options:
                  --epochs N          epochs per loss (default {d.Epochs})
                  --size N            image side in pixels, a multiple of 4 in [32, 256] (default {d.ImageSize})
                  --losses A,B,...    losses to compare, from: {string.Join(", ", LossChoices.Names)}
                                      (default: all, in that order)
                  --output DIR        folder for the PNG files and history.csv (default {d.OutputFolder})
                  --seed N            seed of the data, the initial weights and the batch order (default {d.Seed})
                  --threads N         TorchSharp threads (default {d.Threads}; results repeat exactly for the
                                      same seed and thread count; 2 is ~1.5x faster on an idle 2-core
                                      machine and several times slower on a busy one)
                  --train N           training images (default {d.TrainImages})
                  --val N             validation images (default {d.ValidationImages})
                  --batch N           images per training step (default {d.BatchSize})
                  --width N           U-Net channels at full resolution (default {d.Width})
                  -h, --help          show this text
                """;
        }
    }

    /// <summary>Parses <paramref name="args"/>; never throws.</summary>
    public static ParsedArguments Parse(IReadOnlyList<string> args)
    {
        var options = DemoOptions.Defaults;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "-h" or "--help" or "-?")
            {
                return ParsedArguments.Help;
            }

            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                return ParsedArguments.Invalid($"unexpected argument '{arg}' (options start with --; see --help).");
            }

            string name, value;
            var equals = arg.IndexOf('=');
            if (equals >= 0)
            {
                name = arg[..equals];
                value = arg[(equals + 1)..];
            }
            else
            {
                name = arg;
                if (i + 1 >= args.Count)
                {
                    return ParsedArguments.Invalid($"option {name} needs a value (see --help).");
                }

                value = args[++i];
            }

            string? error;
            (options, error) = name switch
            {
                "--epochs" => WithInt(options, name, value, 1, 10_000, (o, v) => o with { Epochs = v }),
                "--size" => WithSize(options, value),
                "--losses" => WithLosses(options, value),
                "--output" => string.IsNullOrWhiteSpace(value)
                    ? (options, "--output needs a folder name.")
                    : (options with { OutputFolder = value }, null),
                "--seed" => WithInt(options, name, value, 0, int.MaxValue, (o, v) => o with { Seed = v }),
                "--threads" => WithInt(options, name, value, 1, 256, (o, v) => o with { Threads = v }),
                "--train" => WithInt(options, name, value, 1, 100_000, (o, v) => o with { TrainImages = v }),
                "--val" => WithInt(options, name, value, 1, 100_000, (o, v) => o with { ValidationImages = v }),
                "--batch" => WithInt(options, name, value, 1, 4096, (o, v) => o with { BatchSize = v }),
                "--width" => WithInt(options, name, value, 1, 256, (o, v) => o with { Width = v }),
                _ => (options, $"unknown option '{name}' (see --help)."),
            };
            if (error is not null)
            {
                return ParsedArguments.Invalid(error);
            }
        }

        return ParsedArguments.Run(options);
    }

    private static (DemoOptions, string?) WithInt(
        DemoOptions options, string name, string text, int min, int max, Func<DemoOptions, int, DemoOptions> set)
    {
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value))
        {
            return (options, $"{name} expects an integer, got '{text}'.");
        }

        return value < min || value > max
            ? (options, $"{name} must be between {min} and {max}, got {value}.")
            : (set(options, value), null);
    }

    private static (DemoOptions, string?) WithSize(DemoOptions options, string text)
    {
        var (sized, error) = WithInt(options, "--size", text, 32, 256, (o, v) => o with { ImageSize = v });
        return error is null && sized.ImageSize % 4 != 0
            ? (options, $"--size must be a multiple of 4 (the U-Net halves it twice), got {sized.ImageSize}.")
            : (sized, error);
    }

    private static (DemoOptions, string?) WithLosses(DemoOptions options, string text)
    {
        var names = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(n => n.ToLowerInvariant())
            .ToArray();
        if (names.Length == 0)
        {
            return (options, $"--losses needs at least one of: {string.Join(", ", LossChoices.Names)}.");
        }

        var unknown = names.FirstOrDefault(n => !LossChoices.Names.Contains(n));
        if (unknown is not null)
        {
            return (options, $"unknown loss '{unknown}' in --losses; choose from: {string.Join(", ", LossChoices.Names)}.");
        }

        var repeated = names.GroupBy(n => n).FirstOrDefault(g => g.Count() > 1);
        return repeated is not null
            ? (options, $"loss '{repeated.Key}' is listed twice in --losses.")
            : (options with { Losses = names }, null);
    }
}
