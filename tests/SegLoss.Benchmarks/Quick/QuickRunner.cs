using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using static TorchSharp.torch;

namespace SegLoss.Benchmarks.Quick;

/// <summary>
/// Quick mode. Per RATIO case one line
/// <c>RATIO case=&lt;name&gt; unit_ms=&lt;UNIT median&gt; ms=&lt;median&gt; ratio=&lt;ms/unit_ms&gt; naive_ratio=&lt;naive median/unit_ms&gt; peak_mem_x=&lt;peak extra bytes / logits bytes&gt;</c>,
/// per TIME case <c>TIME case=&lt;name&gt; ms=&lt;median&gt;</c>. UNIT is <c>softmax(z, 1).sum()</c> forward+backward on the
/// case's logits (a non-leaf view, as a network's output), measured in the same process right before the case.
/// </summary>
public static class QuickRunner
{
    public static int Run(IEnumerable<Func<BenchmarkCase>> cases, string? filter)
    {
        set_num_threads(Environment.ProcessorCount);
        var all = cases.Select(create => create()).ToList();

        // A filter that names a case exactly selects that case alone (blob_dice_3d_30, not also blob_dice_3d_300);
        // otherwise every case whose name contains it.
        var exact = filter is not null && all.Any(c => c.Name == filter);
        bool Selected(BenchmarkCase c) =>
            filter is null || (exact ? c.Name == filter : c.Name.Contains(filter, StringComparison.Ordinal));
        foreach (var skipped in all.Where(c => !Selected(c)))
        {
            skipped.Dispose();
        }

        var selected = all.Where(Selected).ToList();
        if (selected.Count == 0)
        {
            Console.Error.WriteLine($"no case matches '{filter}'");
            return 1;
        }

        // Times first, for every case; peak memory afterwards, since trimming the allocator would slow timings.
        var lines = new List<Func<string>>();
        foreach (var benchmark in selected)
        {
            benchmark.Setup();
            if (benchmark is RatioCase ratio)
            {
                var unit = Measure.MedianMilliseconds(() => Unit(ratio.Logits));
                var ms = Measure.MedianMilliseconds(ratio.Run);
                var naive = Measure.MedianMilliseconds(ratio.RunNaive, warmUps: ratio.NaiveWarmUps);
                lines.Add(() => FormattableString.Invariant(
                    $"RATIO case={ratio.Name} unit_ms={unit:F2} ms={ms:F2} ratio={ms / unit:F2} naive_ratio={naive / unit:F2} peak_mem_x={PeakRatio(ratio)}"));
            }
            else
            {
                var ms = Measure.MedianMilliseconds(benchmark.Run);
                lines.Add(() => FormattableString.Invariant($"TIME case={benchmark.Name} ms={ms:F2}"));
            }
        }

        foreach (var line in lines)
        {
            Console.WriteLine(line());
        }

        foreach (var benchmark in selected)
        {
            benchmark.Dispose();
        }

        return 0;
    }

    private static string PeakRatio(RatioCase benchmark)
    {
        benchmark.Run();
        var peak = Measure.PeakExtraBytes(benchmark.Run);
        var logitsBytes = benchmark.Logits.NumberOfElements * benchmark.Logits.ElementSize;
        return peak is null ? "n/a" : (peak.Value / (double)logitsBytes).ToString("F2", CultureInfo.InvariantCulture);
    }

    /// <summary>UNIT: a softmax forward and backward on the same logits.</summary>
    private static void Unit(Tensor logits)
    {
        using var scope = NewDisposeScope();
        var leaf = logits.detach().requires_grad_(true);
        var view = leaf.view(leaf.shape);
        view.softmax(1).sum().backward();
    }
}
