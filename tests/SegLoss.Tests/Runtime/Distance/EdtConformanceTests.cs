using System;
using System.IO;
using System.Linq;
using System.Text.Json;
using SegLoss.Conformance;
using SegLoss.Runtime.Distance;
using SegLoss.Tests.Infrastructure;

namespace SegLoss.Tests.Runtime.Distance;

/// <summary>
/// The conformance runner's <c>edt/</c> check: the public scipy fixtures pass, and so do fixtures of the same schema it
/// has never seen (written here from the brute-force definition with scipy's all-foreground value); a wrong value fails.
/// </summary>
public sealed class EdtConformanceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("segloss-edt-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Public_edt_fixtures_pass()
    {
        var outcomes = ConformanceRunner.Run(new[] { Path.Combine(TestPaths.Golden, "edt") });
        Assert.Equal(4, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal("PASS", o.Status));
    }

    [Fact]
    public void Unseen_fixtures_of_the_same_schema_pass()
    {
        var random = new Random(99);
        var cases = new (string Name, int[] Shape, object? Sampling, byte[] Mask)[]
        {
            ("1d", new[] { 50 }, new[] { 0.5 }, Masks.Any(new[] { 50 }, random)),
            ("2d_scalar_sampling", new[] { 17, 23 }, 1.5, Masks.Blobs(new[] { 17, 23 }, random)),
            ("2d_no_sampling", new[] { 12, 9 }, null, Masks.Salt(new[] { 12, 9 }, 0.7, random)),
            ("3d_aniso", new[] { 8, 9, 7 }, new[] { 1.0, 0.8, 3.0 }, Masks.Blobs(new[] { 8, 9, 7 }, random)),
            ("4d", new[] { 4, 3, 5, 4 }, new[] { 1.0, 2.0, 1.0, 0.5 }, Masks.Any(new[] { 4, 3, 5, 4 }, random)),
            ("empty", new[] { 6, 7 }, new[] { 1.0, 1.0 }, new byte[42]),
            ("full", new[] { 5, 4, 3 }, new[] { 2.0, 1.0, 2.5 }, Enumerable.Repeat((byte)1, 60).ToArray()),
            ("single_voxel", new[] { 5, 5 }, new[] { 1.0, 1.0 }, Enumerable.Range(0, 25).Select(i => i == 12 ? (byte)1 : (byte)0).ToArray()),
            ("size1_axes", new[] { 1, 9, 1 }, new[] { 3.0, 1.0, 2.0 }, Masks.Salt(new[] { 1, 9, 1 }, 0.6, random)),
        };
        foreach (var (name, shape, sampling, mask) in cases)
        {
            var spacing = sampling switch
            {
                double[] values => values,
                double value => Enumerable.Repeat(value, shape.Length).ToArray(),
                _ => Enumerable.Repeat(1.0, shape.Length).ToArray(),
            };
            var edt = BruteForce.Edt(mask, shape, spacing, AllForegroundPolicy.ScipyVirtualPoint);
            Write($"edt_{name}.json", new { shape, sampling, mask = mask.Select(m => name == "2d_no_sampling" ? (object)(m != 0) : m), edt, anchor = "brute force", edt_max = edt.Max() });
        }

        var outcomes = ConformanceRunner.Run(new[] { _folder });

        Assert.Equal(cases.Length, outcomes.Count);
        Assert.All(outcomes, o => Assert.True(o.Status == "PASS", o.ToString()));
    }

    [Fact]
    public void A_value_off_by_more_than_rounding_fails()
    {
        var shape = new[] { 6, 6 };
        var mask = Masks.Blobs(shape, new Random(1));
        var edt = BruteForce.Edt(mask, shape, new[] { 1.0, 1.0 });
        var index = Array.FindIndex(edt, d => d > 0);
        edt[index] *= 1 + 1e-9;
        Write("edt_tampered.json", new { shape, sampling = new[] { 1.0, 1.0 }, mask = mask.Select(m => (int)m), edt });

        var outcome = Assert.Single(ConformanceRunner.Run(new[] { _folder }));

        Assert.Equal("FAIL", outcome.Status);
        Assert.StartsWith($"edt[{index}] ", outcome.Detail);
    }

    private void Write(string name, object content) =>
        File.WriteAllText(Path.Combine(_folder, name), JsonSerializer.Serialize(content));
}
