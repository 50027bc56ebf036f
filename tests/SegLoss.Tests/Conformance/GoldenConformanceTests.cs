using System.IO;
using System.Linq;
using SegLoss.Conformance;
using SegLoss.Tests.Infrastructure;

namespace SegLoss.Tests.Conformance;

/// <summary>
/// The conformance runner over the golden vectors made by the reference libraries' own code: every file of the
/// families passes in value and gradient, public and edge-case files alike; none is left unsupported.
/// </summary>
public sealed class GoldenConformanceTests
{
    /// <summary>The first families, counted so that a lost file is noticed.</summary>
    private static readonly string[] Implemented = { "dice", "ce", "focal", "dice_ce", "dice_focal" };

    [Fact]
    public void Public_golden_files_pass()
    {
        var outcomes = ConformanceRunner.Run(new[] { TestPaths.Golden });

        Assert.True(outcomes.Count >= 200, $"{outcomes.Count} files in {TestPaths.Golden}");
        Assert.Equal(74, outcomes.Count(o => Implemented.Contains(Path.GetFileName(o.File).Split("__")[0])));
        Assert.All(outcomes, o => Assert.True(o.Status == "PASS", o.ToString()));
    }

    [Fact]
    public void Edge_case_golden_files_pass()
    {
        var outcomes = ConformanceRunner.Run(new[] { TestPaths.GoldenExtra });

        Assert.True(outcomes.Count >= 579, $"{outcomes.Count} files in {TestPaths.GoldenExtra}");
        Assert.All(outcomes, o => Assert.True(o.Status == "PASS", o.ToString()));
    }
}
