using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using SegLoss.Conformance;
using SegLoss.Runtime.Components;
using SegLoss.Tests.Infrastructure;

namespace SegLoss.Tests.Runtime.Components;

/// <summary>
/// The conformance runner's <c>cc/</c> check: every public fixture (scipy 1.10 <c>ndimage.label</c>) passes exactly, and so
/// do fixtures of the same schema it has never seen (written here from the flood-fill reference); a changed numbering fails.
/// </summary>
public sealed class ComponentFixtureTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("segloss-cc-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    [Fact]
    public void Public_fixtures_pass()
    {
        var outcomes = ConformanceRunner.Run(new[] { Path.Combine(TestPaths.Golden, "cc") });
        Assert.Equal(5, outcomes.Count);
        Assert.All(outcomes, o => Assert.Equal("PASS", o.Status));
    }

    [Fact]
    public void Public_fixtures_match_the_array_api_directly()
    {
        foreach (var path in Directory.EnumerateFiles(Path.Combine(TestPaths.Golden, "cc"), "*.json"))
        {
            using var document = JsonDocument.Parse(File.ReadAllText(path));
            var root = document.RootElement;
            var shape = root.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray();
            var mask = root.GetProperty("mask").EnumerateArray().Select(v => (byte)v.GetInt32()).ToArray();
            var labels = root.GetProperty("labels").EnumerateArray().Select(v => v.GetInt32()).ToArray();
            var connectivity = Connectivity.FromNeighbors(root.GetProperty("connectivity").GetInt32(), shape.Length);
            var result = ConnectedComponents.Label(mask, shape, connectivity);
            Assert.Equal(root.GetProperty("num_components").GetInt32(), result.Count);
            Assert.Equal(labels, result.Labels);
        }
    }

    [Fact]
    public void Unseen_fixtures_of_the_same_schema_pass()
    {
        var cases = new List<(string Name, int[] Shape, int Neighbors, byte[] Mask)>
        {
            ("empty_2d", new[] { 5, 6 }, 8, new byte[30]),
            ("full_3d", new[] { 3, 4, 5 }, 6, Enumerable.Repeat((byte)1, 60).ToArray()),
            ("single_voxel_3d", new[] { 4, 4, 4 }, 26, Single(64, 37)),
            ("size_one_axes_3d", new[] { 1, 9, 1 }, 18, RandomMasks.Noise(new[] { 1, 9, 1 }, 0.5, 1)),
            ("line_1d", new[] { 70 }, 2, RandomMasks.Noise(new[] { 70 }, 0.5, 2)),
            ("wide_2d", new[] { 6, 200 }, 4, RandomMasks.Noise(new[] { 6, 200 }, 0.6, 3)),
            ("noise_3d_c26", new[] { 12, 9, 17 }, 26, RandomMasks.Noise(new[] { 12, 9, 17 }, 0.3, 4)),
            ("blobs_3d_c18", new[] { 16, 20, 24 }, 18, RandomMasks.Blobs(new[] { 16, 20, 24 }, 15, 5)),
            ("noise_4d_c80", new[] { 3, 4, 5, 6 }, 80, RandomMasks.Noise(new[] { 3, 4, 5, 6 }, 0.2, 6)),
            ("noise_4d_c8", new[] { 3, 4, 5, 6 }, 8, RandomMasks.Noise(new[] { 3, 4, 5, 6 }, 0.6, 7)),
        };
        foreach (var (name, shape, neighbors, mask) in cases)
        {
            var rank = Connectivity.FromNeighbors(neighbors, shape.Length).Rank;
            var (labels, count) = FloodFillReference.Label(mask, shape, rank);
            Write(name, shape, neighbors, mask, labels, count);
        }

        var outcomes = ConformanceRunner.Run(new[] { _folder });
        Assert.Equal(cases.Count, outcomes.Count);
        Assert.All(outcomes, o => Assert.True(o.Status == "PASS", o.ToString()));
    }

    [Fact]
    public void A_different_numbering_fails_and_an_unknown_connectivity_is_unsupported()
    {
        var shape = new[] { 8, 9 };
        var mask = RandomMasks.Noise(shape, 0.4, 8);
        var (labels, count) = FloodFillReference.Label(mask, shape, 1);
        Assert.True(count >= 2);
        var swapped = labels.Select(l => l == 1 ? 2 : l == 2 ? 1 : l).ToArray();
        Write("swapped", shape, 4, mask, swapped, count);
        Write("unknown", shape, 5, mask, labels, count);

        var outcomes = ConformanceRunner.Run(new[] { _folder }).ToDictionary(o => o.File);
        Assert.Equal("FAIL", outcomes["swapped.json"].Status);
        Assert.Contains("labels[", outcomes["swapped.json"].Detail);
        Assert.Equal("UNSUPPORTED", outcomes["unknown.json"].Status);
    }

    private static byte[] Single(int length, int position)
    {
        var mask = new byte[length];
        mask[position] = 1;
        return mask;
    }

    private void Write(string name, int[] shape, int neighbors, byte[] mask, int[] labels, int count)
    {
        var fixture = new JsonObject
        {
            ["shape"] = new JsonArray(shape.Select(s => (JsonNode)s).ToArray()),
            ["connectivity"] = neighbors,
            ["mask"] = new JsonArray(mask.Select(m => (JsonNode)(int)m).ToArray()),
            ["labels"] = new JsonArray(labels.Select(l => (JsonNode)l).ToArray()),
            ["num_components"] = count,
            ["anchor"] = "flood-fill reference (tests)",
        };
        File.WriteAllText(Path.Combine(_folder, name + ".json"), fixture.ToJsonString());
    }
}
