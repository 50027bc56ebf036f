using System;
using System.Linq;
using System.Text.Json;
using SegLoss.Runtime.Distance;

namespace SegLoss.Conformance.Fixtures;

/// <summary>
/// <c>edt/</c> fixtures (scipy 1.10 <c>ndimage.distance_transform_edt(mask, sampling=sampling)</c>): the SegLoss
/// transform of <c>mask</c> must match every value of <c>edt</c> within 1e-12 relative to max(1, |expected|), and the
/// file's <c>edt_max</c>, <c>edt_fsum</c> and <c>edt_sq_fsum</c> when present. The fixtures are scipy's output, so a mask
/// without background is compared under <see cref="AllForegroundPolicy.ScipyVirtualPoint"/> (SegLoss's default policy
/// is a documented choice that differs from scipy there).
/// </summary>
public sealed class EdtFixtureCheck : IFixtureCheck
{
    private const double Tolerance = 1e-12;

    private static readonly EdtOptions Options = new() { AllForeground = AllForegroundPolicy.ScipyVirtualPoint };

    public bool Handles(GoldenFile file) =>
        file.Loss.Length == 0 && file.Root.TryGetProperty("edt", out _) && file.Root.TryGetProperty("mask", out _);

    public FileOutcome Check(string name, GoldenFile file)
    {
        var root = file.Root;
        var mask = root.GetProperty("mask").EnumerateArray().Select(IsForeground).ToArray();
        var expected = root.GetProperty("edt").EnumerateArray().Select(v => v.GetDouble()).ToArray();
        var shape = root.GetProperty("shape").EnumerateArray().Select(v => v.GetInt32()).ToArray();
        if (shape.Length == 0)
        {
            shape = new[] { mask.Length }; // scipy works on np.atleast_1d(mask)
        }

        var sampling = Sampling(root, shape.Length);
        if (expected.Length != mask.Length)
        {
            return Fail(name, $"edt has {expected.Length} values but mask has {mask.Length}");
        }

        double[] actual;
        try
        {
            actual = EuclideanDistanceTransform.Compute(mask, shape, sampling, Options);
        }
        catch (ArgumentException e)
        {
            return Fail(name, $"{e.GetType().Name}: {e.Message}");
        }

        for (var i = 0; i < expected.Length; i++)
        {
            if (!Close(actual[i], expected[i]))
            {
                return Fail(name, $"edt[{i}] {actual[i]:R} != {expected[i]:R} (tolerance {Tolerance:G})");
            }
        }

        foreach (var (field, value) in new[]
        {
            ("edt_max", actual.Length == 0 ? 0.0 : actual.Max()),
            ("edt_fsum", CompensatedSum(actual, square: false)),
            ("edt_sq_fsum", CompensatedSum(actual, square: true)),
        })
        {
            if (root.TryGetProperty(field, out var stated) && stated.ValueKind == JsonValueKind.Number && !Close(value, stated.GetDouble()))
            {
                return Fail(name, $"{field} {value:R} != {stated.GetDouble():R} (tolerance {Tolerance:G})");
            }
        }

        return new FileOutcome(name, "PASS", "");
    }

    /// <summary>Nonzero (or true) is foreground, as scipy reads the mask.</summary>
    private static byte IsForeground(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.True => 1,
        JsonValueKind.False => 0,
        _ => value.GetDouble() != 0 ? (byte)1 : (byte)0,
    };

    /// <summary>scipy's <c>sampling</c>: absent or null for unit spacing, one number for every axis, or one per axis.</summary>
    private static double[] Sampling(JsonElement root, int rank)
    {
        if (!root.TryGetProperty("sampling", out var sampling) || sampling.ValueKind == JsonValueKind.Null)
        {
            return Array.Empty<double>();
        }

        return sampling.ValueKind == JsonValueKind.Number
            ? Enumerable.Repeat(sampling.GetDouble(), rank).ToArray()
            : sampling.EnumerateArray().Select(v => v.GetDouble()).ToArray();
    }

    /// <summary>A Neumaier sum, close to Python's exact <c>math.fsum</c>.</summary>
    private static double CompensatedSum(double[] values, bool square)
    {
        double sum = 0, compensation = 0;
        foreach (var raw in values)
        {
            var value = square ? raw * raw : raw;
            var t = sum + value;
            compensation += Math.Abs(sum) >= Math.Abs(value) ? (sum - t) + value : (value - t) + sum;
            sum = t;
        }

        return sum + compensation;
    }

    private static bool Close(double actual, double expected) =>
        actual == expected || Math.Abs(actual - expected) <= Tolerance * Math.Max(1.0, Math.Abs(expected));

    private static FileOutcome Fail(string name, string detail) => new(name, "FAIL", detail);
}
