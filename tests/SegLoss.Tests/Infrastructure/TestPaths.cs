using System.IO;
using System.Linq;
using System.Reflection;

namespace SegLoss.Tests.Infrastructure;

/// <summary>Folders of the test sources: snapshots and the golden vectors copied from the reference libraries.</summary>
public static class TestPaths
{
    public static string TestsDirectory { get; } = typeof(TestPaths).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "TestsDirectory").Value!;

    /// <summary>The build configuration of the tests (Debug or Release), so they can pack what was built.</summary>
    public static string Configuration { get; } = typeof(TestPaths).Assembly
        .GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "Configuration").Value!;

    /// <summary>The repository root.</summary>
    public static string Repository => Path.GetFullPath(Path.Combine(TestsDirectory, "..", ".."));

    public static string Snapshots => Path.Combine(TestsDirectory, "_snapshots");

    /// <summary>tests/golden: the public golden vectors (shared/golden), copied as data.</summary>
    public static string Golden => Path.GetFullPath(Path.Combine(TestsDirectory, "..", "golden"));

    /// <summary>tests/golden-extra: edge cases of the same schema (shapes, empty classes, extreme logits).</summary>
    public static string GoldenExtra => Path.GetFullPath(Path.Combine(TestsDirectory, "..", "golden-extra"));
}
