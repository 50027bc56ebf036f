using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json.Nodes;
using SegLoss.Tests.Infrastructure;

namespace SegLoss.Tests.Conformance;

/// <summary>The runner's command-line contract, which other tools call: one line per file, a summary, exit codes.</summary>
public sealed class ConformanceCommandTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("segloss-conformance-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static (int ExitCode, string[] Lines) RunCommand(params string[] folders)
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SegLoss.Conformance.dll"));
        foreach (var folder in folders)
        {
            start.ArgumentList.Add(folder);
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return (process.ExitCode, output.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Prints_a_line_per_file_and_the_summary_and_fails_on_a_mismatch()
    {
        File.Copy(Path.Combine(TestPaths.Golden, "dice__monai__softmax_onehot__2d.json"), Path.Combine(_folder, "a_pass.json"));
        var altered = JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.Golden, "focal__slo__2d.json")))!;
        altered["value"] = altered["value"]!.GetValue<double>() * 1.001;
        File.WriteAllText(Path.Combine(_folder, "b_fail.json"), altered.ToJsonString());
        var unknown = JsonNode.Parse(File.ReadAllText(Path.Combine(TestPaths.Golden, "ce__slo__2d.json")))!;
        unknown["anchor"] = "nobody's library";
        File.WriteAllText(Path.Combine(_folder, "c_unsupported.json"), unknown.ToJsonString());
        Directory.CreateDirectory(Path.Combine(_folder, "edt"));
        File.Copy(Path.Combine(TestPaths.Golden, "edt", "edt_2d_64x64_iso.json"), Path.Combine(_folder, "edt", "d.json"));

        var (exitCode, lines) = RunCommand(_folder);

        Assert.Equal(1, exitCode);
        Assert.Equal(5, lines.Length);
        Assert.Equal("PASS a_pass.json", lines[0]);
        Assert.StartsWith("FAIL b_fail.json value ", lines[1]);
        Assert.StartsWith("UNSUPPORTED c_unsupported.json ", lines[2]);
        Assert.Equal("PASS " + Path.Combine("edt", "d.json"), lines[3]);
        Assert.Equal("2 passed, 1 failed, 1 unsupported", lines[4]);
    }

    [Fact]
    public void Exits_zero_when_nothing_fails()
    {
        File.Copy(Path.Combine(TestPaths.Golden, "ce__slo__3d.json"), Path.Combine(_folder, "ce.json"));
        var (exitCode, lines) = RunCommand(_folder);
        Assert.Equal(0, exitCode);
        Assert.Equal(new[] { "PASS ce.json", "1 passed, 0 failed, 0 unsupported" }, lines);
    }
}
