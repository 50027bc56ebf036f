using System;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using SegLoss.Runtime.Components;
using static TorchSharp.torch;

namespace SegLoss.Conformance.Fixtures;

/// <summary>
/// <c>cc/</c> fixtures: scipy's <c>ndimage.label</c> on a mask (<c>shape</c>, flat row-major <c>mask</c>, <c>connectivity</c>
/// as a neighbour count: 4/8 in 2D, 6/18/26 in 3D, any rank's count in n-D) gave <c>labels</c> and
/// <c>num_components</c>. Both the array API and the tensor API (the mask as a batch of one) must reproduce them exactly,
/// numbering included.
/// </summary>
public sealed class ComponentsFixtureCheck : IFixtureCheck
{
    public bool Handles(GoldenFile file) =>
        file.Loss.Length == 0
        && file.Root.TryGetProperty("labels", out _)
        && file.Root.TryGetProperty("mask", out _)
        && file.Root.TryGetProperty("connectivity", out _);

    public FileOutcome Check(string name, GoldenFile file)
    {
        var root = file.Root;
        var shape = root.GetProperty("shape").EnumerateArray().Select(Integer).ToArray();
        var mask = root.GetProperty("mask").EnumerateArray().Select(MaskValue).ToArray();
        var expected = root.GetProperty("labels").EnumerateArray().Select(Integer).ToArray();
        var neighbors = Integer(root.GetProperty("connectivity"));
        int? expectedCount = root.TryGetProperty("num_components", out var n) && n.ValueKind == JsonValueKind.Number ? Integer(n) : null;

        Connectivity connectivity;
        try
        {
            connectivity = Connectivity.FromNeighbors(neighbors, shape.Length);
        }
        catch (ArgumentException e)
        {
            return new FileOutcome(name, "UNSUPPORTED", e.Message);
        }

        if (expected.Length != mask.Length || shape.Any(s => s < 0) || shape.Aggregate(1L, (a, b) => a * b) != mask.Length)
        {
            return new FileOutcome(name, "FAIL", $"inconsistent fixture: shape {Format(shape)}, {mask.Length} mask values, {expected.Length} labels");
        }

        var labeling = ConnectedComponents.Label(mask, shape, connectivity);
        var count = expectedCount ?? (expected.Length == 0 ? 0 : expected.Max());
        if (labeling.Count != count)
        {
            return new FileOutcome(name, "FAIL", $"num_components {labeling.Count} != {count}");
        }

        if (FirstDifference(labeling.Labels, expected, shape) is { } difference)
        {
            return new FileOutcome(name, "FAIL", difference);
        }

        using var scope = NewDisposeScope();
        var batch = ConnectedComponents.Label(
            tensor(mask, new[] { 1L }.Concat(shape.Select(s => (long)s)).ToArray(), ScalarType.Byte), connectivity);
        if (batch.Counts[0] != count)
        {
            return new FileOutcome(name, "FAIL", $"tensor API: num_components {batch.Counts[0]} != {count}");
        }

        var tensorLabels = batch.Labels.data<long>().Select(v => (int)v).ToArray();
        return FirstDifference(tensorLabels, expected, shape) is { } tensorDifference
            ? new FileOutcome(name, "FAIL", "tensor API: " + tensorDifference)
            : new FileOutcome(name, "PASS", "");
    }

    /// <summary>An integer written as 3 or 3.0.</summary>
    private static int Integer(JsonElement value) => (int)value.GetDouble();

    private static byte MaskValue(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => 1,
        JsonValueKind.False => 0,
        _ => value.GetDouble() != 0 ? (byte)1 : (byte)0,
    };

    private static string? FirstDifference(int[] actual, int[] expected, int[] shape)
    {
        for (var i = 0; i < expected.Length; i++)
        {
            if (actual[i] != expected[i])
            {
                return $"labels[{i}] (at {Format(Coordinates(i, shape))}) {actual[i]} != {expected[i]}";
            }
        }

        return null;
    }

    private static int[] Coordinates(int index, int[] shape)
    {
        var coordinates = new int[shape.Length];
        for (var axis = shape.Length - 1; axis >= 0; axis--)
        {
            coordinates[axis] = index % shape[axis];
            index /= shape[axis];
        }

        return coordinates;
    }

    private static string Format(int[] values) => "[" + string.Join(", ", values.Select(v => v.ToString(CultureInfo.InvariantCulture))) + "]";
}
