using System.IO;
using System.Linq;
using SegLoss.Conformance;
using SegLoss.Tests.Infrastructure;

namespace SegLoss.Tests.Conformance;

/// <summary>
/// The conformance runner over the golden vectors made by the reference libraries' own code: every file of the
/// families SegLoss implements passes in value and gradient; the rest is reported unsupported, never failed.
/// </summary>
public sealed class GoldenConformanceTests
{
    private static readonly string[] Implemented = { "dice", "ce", "focal", "dice_ce", "dice_focal" };

    [Fact]
    public void Public_golden_files_pass()
    {
        var outcomes = ConformanceRunner.Run(new[] { TestPaths.Golden });

        Assert.Empty(outcomes.Where(o => o.Status == "FAIL").Select(o => o.ToString()));
        var implemented = outcomes.Where(o => Implemented.Contains(Path.GetFileName(o.File).Split("__")[0])).ToList();
        Assert.Equal(74, implemented.Count);
        Assert.True(outcomes.Count(o => o.Status == "PASS") >= 189, string.Join("\n", outcomes.Where(o => o.Status != "PASS")));
        Assert.All(implemented, o => Assert.Equal("PASS", o.Status));
    }

    [Fact]
    public void Edge_case_golden_files_pass()
    {
        var outcomes = ConformanceRunner.Run(new[] { TestPaths.GoldenExtra });

        Assert.True(outcomes.Count >= 504, $"{outcomes.Count} files in {TestPaths.GoldenExtra}");
        Assert.All(outcomes, o => Assert.True(o.Status == "PASS", o.ToString()));
    }
}
