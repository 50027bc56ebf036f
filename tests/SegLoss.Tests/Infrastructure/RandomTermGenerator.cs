using System;
using System.Collections.Generic;
using System.Linq;

namespace SegLoss.Tests.Infrastructure;

/// <summary>
/// Random, valid [Term] expressions from a fixed seed: pixel expressions built from the language's quantities and
/// functions (kept finite: logs only of positive values), reduced by <c>sumx</c>/<c>meanx</c>/<c>sumc</c>, combined
/// at the statistic level by ratios, logs and powers — or a whole pixel term.
/// </summary>
public static class RandomTermGenerator
{
    private static readonly string[] PerClassAtoms =
    {
        "p", "y", "p*y", "(1 - p)", "logp", "y*logp", "log(1 - p)", "p^2", "w*p", "abs(p - y)", "(p - y)^2",
        "exp(-p)", "sqrt(p + 1)", "cosh(p - y)", "min(p, 0.6)", "max(p, y)", "clamp(p, 0.1, 0.9)", "float32(p)", "z*y",
        "(p > 0.4)*p", "p/(p + 1)",
    };

    private static readonly string[] PixelAtoms =
    {
        "pt", "logpt", "(1 - pt)^1.5", "log(1 - pt)", "(1 - pt)^2*logpt", "sumc(p^2)", "meanc(y*logp)", "pt*(1 - pt)",
    };

    public static string[] Make(int count, int seed)
    {
        var random = new Random(seed);
        var terms = new HashSet<string>();
        while (terms.Count < count)
        {
            terms.Add(random.Next(3) == 0 ? PixelTerm(random) : RegionTerm(random));
        }

        return terms.ToArray();
    }

    private static string Pick(Random random, string[] options) => options[random.Next(options.Length)];

    private static string PerClass(Random random) => random.Next(3) switch
    {
        0 => Pick(random, PerClassAtoms),
        1 => $"{Pick(random, PerClassAtoms)}*{Pick(random, PerClassAtoms)}",
        _ => $"({Pick(random, PerClassAtoms)} + 0.5*{Pick(random, PerClassAtoms)})",
    };

    /// <summary>A per-class ratio (or log, or power) of positive pixel sums.</summary>
    private static string RegionTerm(Random random)
    {
        string Sum() => $"sumx({PerClassPositive(random)})";
        return random.Next(4) switch
        {
            0 => $"1 - (2*{Sum()} + 1)/({Sum()} + {Sum()} + 1)",
            1 => $"log({Sum()} + 1) - log({Sum()} + 2)",
            2 => $"(1 - ({Sum()} + 1)/({Sum()} + 1))^2",
            _ => $"sumx({PerClass(random)})/V + sumx({Pick(random, PixelAtoms)})/V",
        };
    }

    /// <summary>A pixel term: averaged over pixels after summing over classes.</summary>
    private static string PixelTerm(Random random) => random.Next(2) == 0
        ? $"-y*logp*(1 - p)^2 + {PerClass(random)}"
        : $"{Pick(random, PixelAtoms)} * {Pick(random, PixelAtoms)}";

    private static string PerClassPositive(Random random)
    {
        var positive = new[] { "p", "y", "p*y", "p^2", "w*p", "(p - y)^2", "exp(-p)", "abs(p - y)", "p*(1 - y)", "(1 - p)*y", "max(p, y)" };
        return random.Next(2) == 0 ? Pick(random, positive) : $"{Pick(random, positive)}*{Pick(random, positive)}";
    }
}
