using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;

namespace SegLoss.Benchmarks.Quick;

/// <summary>Medians of repeated runs after warm-ups, and the process's peak resident memory during a run.</summary>
public static class Measure
{
    public const int WarmUps = 15;
    public const int Runs = 9;

    /// <summary>Warm-up time at least: the JIT promotes hot code to its optimized tier in the background, in bursts.</summary>
    public static readonly TimeSpan WarmUpTime = TimeSpan.FromSeconds(1.5);

    /// <summary>
    /// The median time of <paramref name="runs"/> runs in milliseconds, after at least <paramref name="warmUps"/>
    /// warm-ups and <see cref="WarmUpTime"/> of them (a training loop runs the same step thousands of times: the
    /// steady state is what counts, not the first calls).
    /// </summary>
    public static double MedianMilliseconds(Action run, int runs = Runs, int warmUps = WarmUps)
    {
        var warming = Stopwatch.StartNew();
        for (var i = 0; i < warmUps || warming.Elapsed < WarmUpTime; i++)
        {
            run();
        }

        var times = new double[runs];
        for (var i = 0; i < runs; i++)
        {
            GC.Collect();
            var watch = Stopwatch.StartNew();
            run();
            times[i] = watch.Elapsed.TotalMilliseconds;
        }

        Array.Sort(times);
        return times[runs / 2];
    }

    /// <summary>
    /// Bytes the resident set grew to above its level before <paramref name="run"/>: the allocator's free memory is
    /// released first, the high-water mark reset through /proc/self/clear_refs, then VmHWM read (Linux). Null where
    /// that is not available.
    /// </summary>
    public static long? PeakExtraBytes(Action run)
    {
        const string clearRefs = "/proc/self/clear_refs";
        if (!File.Exists(clearRefs))
        {
            return null;
        }

        ReleaseFreeMemory();
        try
        {
            File.WriteAllText(clearRefs, "5");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var before = Status("VmRSS");
        run();
        var peak = Status("VmHWM");
        return before is null || peak is null ? null : Math.Max(0, peak.Value - before.Value);
    }

    /// <summary>
    /// Returns the allocator's free memory to the system (glibc <c>malloc_trim</c>), so that pages reused by the next run
    /// are faulted in again and show in the high-water mark instead of hiding in the allocator's cache.
    /// </summary>
    private static void ReleaseFreeMemory()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        try
        {
            _ = MallocTrim(0);
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            // Not glibc: the peak then misses memory the allocator had cached.
        }
    }

    [DllImport("libc.so.6", EntryPoint = "malloc_trim")]
    private static extern int MallocTrim(nuint pad);

    private static long? Status(string field)
    {
        var line = File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(field + ":", StringComparison.Ordinal));
        if (line is null)
        {
            return null;
        }

        var kilobytes = long.Parse(line.Split(':')[1].Trim().Split(' ')[0], System.Globalization.CultureInfo.InvariantCulture);
        return kilobytes * 1024;
    }
}
