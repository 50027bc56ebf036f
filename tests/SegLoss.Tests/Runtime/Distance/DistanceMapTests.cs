using System;
using System.Linq;
using SegLoss.Runtime.Distance;
using static TorchSharp.torch;

namespace SegLoss.Tests.Runtime.Distance;

/// <summary>The references' distance-map conventions: formulas on brute-force transforms, hand-computed cases, edge cases.</summary>
public sealed class DistanceMapTests
{
    private static double[] Map(byte[] mask, int[] shape, DistanceMapConvention convention, double[]? spacing = null, AllForegroundPolicy policy = AllForegroundPolicy.DistanceToImageBorder) =>
        DistanceMaps.Compute(mask, shape, convention, spacing ?? Array.Empty<double>(), new EdtOptions { AllForeground = policy });

    /// <summary>The convention's formula, written from the reference's code, on brute-force transforms.</summary>
    private static double[] Reference(byte[] mask, int[] shape, double[] spacing, DistanceMapConvention convention, AllForegroundPolicy policy)
    {
        var complement = mask.Select(m => m == 0 ? (byte)1 : (byte)0).ToArray();
        var inside = BruteForce.Edt(mask, shape, spacing, policy);
        var outside = BruteForce.Edt(complement, shape, spacing, policy);
        var hasForeground = mask.Any(m => m != 0);
        var hasBackground = mask.Any(m => m == 0);
        var n = mask.Length;
        switch (convention)
        {
            case DistanceMapConvention.KervadecSigned:
                return hasForeground ? Enumerable.Range(0, n).Select(i => outside[i] * complement[i] - (inside[i] - 1) * mask[i]).ToArray() : new double[n];
            case DistanceMapConvention.SegLossOdysseyHausdorff:
                return hasForeground ? Enumerable.Range(0, n).Select(i => inside[i] + outside[i]).ToArray() : new double[n];
            case DistanceMapConvention.MonaiHausdorff:
                return hasForeground && hasBackground ? Enumerable.Range(0, n).Select(i => inside[i] + outside[i]).ToArray() : new double[n];
            default:
                var positive = inside.Select((d, i) => (inside.Max() - d) * mask[i]).ToArray();
                var negative = outside.Select((d, i) => (outside.Max() - d) * complement[i]).ToArray();
                var (pMax, nMax) = (positive.Max(), negative.Max());
                return Enumerable.Range(0, n).Select(i => (pMax == 0 ? 0 : positive[i] / pMax) + (nMax == 0 ? 0 : negative[i] / nMax)).ToArray();
        }
    }

    [Fact]
    public void Every_convention_matches_its_formula_on_random_masks()
    {
        var random = new Random(11);
        for (var c = 0; c < 40; c++)
        {
            var rank = 1 + c % 3;
            var shape = Masks.Shape(rank, rank == 1 ? 20 : rank == 2 ? 9 : 5, random);
            var spacing = Masks.Spacing(rank, random);
            var mask = c % 10 == 7 ? new byte[Masks.Size(shape)] : c % 10 == 8 ? Enumerable.Repeat((byte)1, Masks.Size(shape)).ToArray() : Masks.Any(shape, random);
            var policy = c % 2 == 0 ? AllForegroundPolicy.DistanceToImageBorder : AllForegroundPolicy.ScipyVirtualPoint;
            foreach (var convention in Enum.GetValues<DistanceMapConvention>())
            {
                Assertions.Close(Reference(mask, shape, spacing, convention, policy), Map(mask, shape, convention, spacing, policy), $"case {c} {convention} {policy}");
            }
        }
    }

    [Fact]
    public void Kervadec_is_the_outside_distance_and_one_minus_the_inside_distance()
    {
        var mask = new byte[] { 0, 0, 1, 1, 1, 0 };
        Assert.Equal(new[] { 2.0, 1, 0, -1, 0, 1 }, Map(mask, new[] { 6 }, DistanceMapConvention.KervadecSigned));

        // The 1 is not scaled by the spacing (the reference subtracts 1 whatever its resolution).
        Assert.Equal(new[] { 5.0, 2.5, -1.5, -4, -1.5, 2.5 }, Map(mask, new[] { 6 }, DistanceMapConvention.KervadecSigned, new[] { 2.5 }));
    }

    [Fact]
    public void Hausdorff_fields_are_the_distance_to_the_other_side()
    {
        var mask = new byte[] { 0, 0, 1, 1, 1, 0 };
        Assert.Equal(new[] { 2.0, 1, 1, 2, 1, 1 }, Map(mask, new[] { 6 }, DistanceMapConvention.SegLossOdysseyHausdorff));
        Assert.Equal(new[] { 2.0, 1, 1, 2, 1, 1 }, Map(mask, new[] { 6 }, DistanceMapConvention.MonaiHausdorff));
    }

    [Fact]
    public void Penalized_map_is_one_at_the_boundary_layers_and_zero_furthest_from_them()
    {
        // inside [1 2 3 2 1] -> (3 - d) / 2; outside [1 . . . . . 1 2 3] -> (3 - d) / 2.
        var mask = new byte[] { 0, 1, 1, 1, 1, 1, 0, 0, 0 };
        Assert.Equal(new[] { 1.0, 1, 0.5, 0, 0.5, 1, 1, 0.5, 0 }, Map(mask, new[] { 9 }, DistanceMapConvention.SegLossOdysseyPenalized));
    }

    [Fact]
    public void Penalized_side_without_spread_contributes_zero_where_the_reference_divides_by_zero()
    {
        var shape = new[] { 5, 5 };
        var line = new byte[25];
        for (var j = 0; j < 5; j++)
        {
            line[10 + j] = 1; // a one-voxel-thin row: every foreground voxel is at distance 1
        }

        var map = Map(line, shape, DistanceMapConvention.SegLossOdysseyPenalized);
        Assert.All(Enumerable.Range(10, 5), i => Assert.Equal(0.0, map[i]));
        Assert.Equal(new[] { 0.0, 0, 0, 0, 0, 1, 1, 1, 1, 1 }, map[..10]);
        Assert.All(map, v => Assert.False(double.IsNaN(v)));
    }

    [Fact]
    public void Empty_masks_give_zero_maps_except_the_penalized_background_term()
    {
        var empty = new byte[12];
        var shape = new[] { 3, 4 };
        Assert.All(Map(empty, shape, DistanceMapConvention.KervadecSigned), v => Assert.Equal(0.0, v));
        Assert.All(Map(empty, shape, DistanceMapConvention.SegLossOdysseyHausdorff), v => Assert.Equal(0.0, v));
        Assert.All(Map(empty, shape, DistanceMapConvention.MonaiHausdorff), v => Assert.Equal(0.0, v));

        // The complement is all foreground: its term follows the policy (here: 1 on the border layer, 0 at the centre).
        Assert.Equal(new[] { 1.0, 1, 1, 1, 1, 0, 0, 1, 1, 1, 1, 1 }, Map(empty, shape, DistanceMapConvention.SegLossOdysseyPenalized));
    }

    [Fact]
    public void Full_masks_follow_the_policy_except_monai_which_is_zero()
    {
        var full = Enumerable.Repeat((byte)1, 12).ToArray();
        var shape = new[] { 3, 4 };
        var border = new[] { 1.0, 1, 1, 1, 1, 2, 2, 1, 1, 1, 1, 1 };
        Assert.Equal(border.Select(d => 0.0 - (d - 1)), Map(full, shape, DistanceMapConvention.KervadecSigned));
        Assert.Equal(border, Map(full, shape, DistanceMapConvention.SegLossOdysseyHausdorff));
        Assert.All(Map(full, shape, DistanceMapConvention.MonaiHausdorff), v => Assert.Equal(0.0, v));
        Assert.All(Map(full, shape, DistanceMapConvention.KervadecSigned, policy: AllForegroundPolicy.Infinity), v => Assert.Equal(double.NegativeInfinity, v));
    }

    [Fact]
    public void Tensor_one_hot_targets_give_one_map_per_sample_and_class()
    {
        using var scope = NewDisposeScope();
        var random = new Random(3);
        var spatial = new[] { 6, 7 };
        var labels = Enumerable.Range(0, 2).Select(_ => Masks.Blobs(spatial, random).Zip(Masks.Blobs(spatial, random), (a, b) => a + 2 * b > 2 ? 2 : a + 2 * b).ToArray()).ToArray();
        labels[1] = labels[1].Select(l => l == 1 ? 0 : l).ToArray(); // class 1 absent from the second sample
        var oneHot = new byte[2 * 3 * 42];
        for (var n = 0; n < 2; n++)
        {
            for (var i = 0; i < 42; i++)
            {
                oneHot[(n * 3 + labels[n][i]) * 42 + i] = 1;
            }
        }

        var spacing = new[] { 1.0, 2.0 };
        var result = DistanceMaps.Compute(tensor(oneHot, new long[] { 2, 3, 6, 7 }), 2, DistanceMapConvention.KervadecSigned, spacing, ScalarType.Float64);
        var values = result.data<double>().ToArray();
        for (var v = 0; v < 6; v++)
        {
            var volume = oneHot[(v * 42)..((v + 1) * 42)];
            Assertions.Close(Reference(volume, spatial, spacing, DistanceMapConvention.KervadecSigned, AllForegroundPolicy.DistanceToImageBorder), values[(v * 42)..((v + 1) * 42)], $"volume {v}");
        }

        Assert.All(values[(4 * 42)..(5 * 42)], d => Assert.Equal(0.0, d));
        var single = DistanceMaps.Compute(tensor(oneHot, new long[] { 2, 3, 6, 7 }), 2, DistanceMapConvention.KervadecSigned, spacing);
        Assertions.Close(values, single.data<float>().ToArray());
    }
}
