using System.Collections.Generic;
using System.Linq;
using SegLoss.Runtime.Components;

namespace SegLoss.Tests.Runtime.Components;

/// <summary>
/// The run-based labeling equals a brute-force flood fill on random masks, labels and numbering included, for every
/// connectivity, with the default work split and with one plane per slab on several threads (every slab boundary).
/// </summary>
public sealed class LabelingReferenceTests
{
    private static readonly LabelingSettings[] Splits =
    {
        LabelingSettings.Default,
        new(MaxDegreeOfParallelism: 2, SlabVoxels: 1, SerialBelow: 0),
        new(MaxDegreeOfParallelism: 1, SlabVoxels: 97, SerialBelow: 0),
    };

    public static IEnumerable<object[]> Cases()
    {
        var cases = new (string Connectivity, int[] Shape)[]
        {
            ("C4", new[] { 37, 41 }), ("C8", new[] { 37, 41 }),
            ("C4", new[] { 9, 130 }), ("C8", new[] { 9, 130 }), ("C8", new[] { 64, 64 }),
            ("C6", new[] { 11, 13, 17 }), ("C18", new[] { 11, 13, 17 }), ("C26", new[] { 11, 13, 17 }),
            ("C6", new[] { 5, 7, 70 }), ("C18", new[] { 5, 7, 70 }), ("C26", new[] { 5, 7, 70 }),
            ("C26", new[] { 16, 16, 16 }),
            ("face", new[] { 40 }), ("full", new[] { 3, 200 }),
            ("face", new[] { 4, 5, 6, 7 }), ("rank2", new[] { 4, 5, 6, 7 }), ("rank3", new[] { 4, 5, 6, 7 }), ("full", new[] { 4, 5, 6, 7 }),
        };
        foreach (var (connectivity, shape) in cases)
        {
            foreach (var density in new[] { 0.1, 0.35, 0.5, 0.8 })
            {
                yield return new object[] { connectivity, shape, "noise", density };
            }

            yield return new object[] { connectivity, shape, "blobs", 0.0 };
        }
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Equals_flood_fill(string name, int[] shape, string kind, double density)
    {
        var connectivity = Parse(name);
        var seed = shape.Sum() * 31 + (int)(density * 100);
        var mask = kind == "noise" ? RandomMasks.Noise(shape, density, seed) : RandomMasks.Blobs(shape, 12, seed);
        var (expected, count) = FloodFillReference.Label(mask, shape, connectivity.EffectiveRank(shape.Length));
        var sizes = new int[count + 1];
        foreach (var label in expected)
        {
            sizes[label]++;
        }

        var geometry = ConnectedComponents.Geometry(mask.Length, shape, connectivity);
        foreach (var split in Splits)
        {
            var labels = new int[mask.Length];
            var actualSizes = new int[1][];
            var actualCount = ConnectedComponents.Label(mask, geometry, labels, actualSizes, split);
            Assert.Equal(count, actualCount);
            Assert.Equal(expected, labels);
            Assert.Equal(sizes, actualSizes[0]);
        }

        var result = ConnectedComponents.Label(mask, shape, connectivity);
        Assert.Equal(expected, result.Labels);
        Assert.Equal(sizes, result.Sizes);
    }

    internal static Connectivity Parse(string name) => name switch
    {
        "C4" => Connectivity.C4,
        "C8" => Connectivity.C8,
        "C6" => Connectivity.C6,
        "C18" => Connectivity.C18,
        "C26" => Connectivity.C26,
        "face" => Connectivity.Face,
        "full" => Connectivity.Full,
        _ => Connectivity.FromRank(int.Parse(name["rank".Length..], System.Globalization.CultureInfo.InvariantCulture)),
    };
}
