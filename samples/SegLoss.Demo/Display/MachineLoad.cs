using System;
using System.Globalization;
using System.IO;

namespace SegLoss.Demo.Display;

/// <summary>
/// Reads how busy the machine is (Linux load average). TorchSharp's CPU threads synchronize many times per training
/// step; when other processes hold the cores they wait for each other, and on 2 cores a busy machine made 2 threads
/// several times slower than 1 (measured: 15 s against 2.5 s per epoch at a load of 13).
/// </summary>
public static class MachineLoad
{
    /// <summary>The one-minute load average, or null where <c>/proc/loadavg</c> does not exist.</summary>
    public static double? OneMinute()
    {
        try
        {
            var text = File.ReadAllText("/proc/loadavg");
            var first = text.Split(' ', StringSplitOptions.RemoveEmptyEntries)[0];
            return double.Parse(first, CultureInfo.InvariantCulture);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException or IndexOutOfRangeException)
        {
            return null;
        }
    }

    /// <summary>
    /// A warning when <paramref name="threads"/> threads will compete with other work for the cores, or null.
    /// </summary>
    public static string? BusyWarning(int threads)
    {
        var load = OneMinute();
        var cores = Environment.ProcessorCount;
        if (threads <= 1 || load is null || load.Value + threads <= cores + 0.5)
        {
            return null;
        }

        return string.Create(
            CultureInfo.InvariantCulture,
            $"The machine is busy (load average {load:0.0} on {cores} cores): {threads} TorchSharp threads will wait for each other and training may be several times slower. --threads 1 is faster on a busy machine (the numbers then differ slightly: results repeat exactly for the same seed and thread count).");
    }
}
