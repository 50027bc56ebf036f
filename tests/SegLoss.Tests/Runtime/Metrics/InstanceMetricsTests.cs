using System;
using System.Linq;
using SegLoss.Runtime.Components;
using SegLoss.Runtime.Metrics;
using static TorchSharp.torch;

namespace SegLoss.Tests.Runtime.Metrics;

/// <summary>Instance sensitivity, precision and F1 on hand-made masks: both criteria, merges, splits, empty cases.</summary>
public sealed class InstanceMetricsTests
{
    /// <summary>Rows of '1'/'.' characters: a 2D mask and its shape.</summary>
    private static (byte[] Mask, int[] Shape) Grid(params string[] rows) =>
        (rows.SelectMany(r => r.Select(c => c == '1' ? (byte)1 : (byte)0)).ToArray(), new[] { rows.Length, rows[0].Length });

    private static InstanceScores Score(string[] prediction, string[] target, InstanceMatching matching = default, Connectivity? connectivity = null)
    {
        var (p, shape) = Grid(prediction);
        var (t, _) = Grid(target);
        return InstanceMetrics.FromMasks(p, t, shape, connectivity ?? Connectivity.C8, matching);
    }

    private static void AssertScores(InstanceScores s, int targets, int predicted, int detected, int correct, double sensitivity, double precision, double f1)
    {
        Assert.Equal(new InstanceScores(targets, predicted, detected, correct), s);
        Assert.Equal(sensitivity, s.Sensitivity, 12);
        Assert.Equal(precision, s.Precision, 12);
        Assert.Equal(f1, s.F1, 12);
    }

    [Fact]
    public void One_shared_voxel_detects_under_any_overlap()
    {
        var target = new[] { "11.....11", "11.....11", ".........", "....111.." };
        var prediction = new[] { "1........", "........1", ".........", "1........" };

        // Targets: top-left (hit by one voxel), top-right (hit), bottom (missed). Predictions: two hits and one stray voxel.
        var s = Score(prediction, target);
        AssertScores(s, targets: 3, predicted: 3, detected: 2, correct: 2, 2.0 / 3, 2.0 / 3, 2.0 / 3);
        Assert.Equal(1, s.MissedTargets);
        Assert.Equal(1, s.FalsePredictions);
        Assert.Equal(s.Sensitivity, s.Recall);
    }

    [Fact]
    public void A_merging_prediction_detects_every_target_it_touches_and_a_split_counts_every_piece()
    {
        var twoTargets = new[] { "11.11" };
        var oneWide = new[] { "11111" };
        AssertScores(Score(oneWide, twoTargets), 2, 1, 2, 1, 1, 1, 1);

        var twoPieces = new[] { "11.11" };
        AssertScores(Score(twoPieces, oneWide), 1, 2, 1, 2, 1, 1, 1);

        // One-to-one by IoU: the merged prediction matches at most one target (IoU 2/5 each, below 0.5).
        AssertScores(Score(oneWide, twoTargets, InstanceMatching.IoU(0.5)), 2, 1, 0, 0, 0, 0, 0);
        AssertScores(Score(oneWide, twoTargets, InstanceMatching.IoU(0.4)), 2, 1, 1, 1, 0.5, 1, 2.0 / 3);
    }

    [Fact]
    public void Iou_matching_is_greedy_by_iou_and_one_to_one()
    {
        // One target of 4 voxels; predictions: 3 of its voxels (IoU 3/4) and a separate pair (no overlap).
        var (p, shape) = Grid("111..", ".....", "...11");
        var (t, _) = Grid("1111.", ".....", ".....");
        var s = InstanceMetrics.FromMasks(p, t, shape, Connectivity.C4, InstanceMatching.IoU(0.1));
        AssertScores(s, 1, 2, 1, 1, 1, 0.5, 2.0 / 3);

        // Two predictions overlapping one target: only the better one is matched.
        var competing = InstanceMetrics.FromInstances(
            new[] { 1, 1, 1, 2, 2, 0 },
            new[] { 5, 5, 5, 5, 0, 0 },
            InstanceMatching.IoU(0.2));
        AssertScores(competing, 1, 2, 1, 1, 1, 0.5, 2.0 / 3);
    }

    [Fact]
    public void Empty_cases_follow_the_wmh_convention()
    {
        var nothing = new[] { "...", "..." };
        var something = new[] { ".1.", "..." };
        AssertScores(Score(nothing, nothing), 0, 0, 0, 0, 1, 1, 1);
        AssertScores(Score(nothing, something), 1, 0, 0, 0, 0, 1, 0);
        AssertScores(Score(something, nothing), 0, 1, 0, 0, 1, 0, 0);
        AssertScores(Score(nothing, something, InstanceMatching.IoU(0.5)), 1, 0, 0, 0, 0, 1, 0);
    }

    [Fact]
    public void Connectivity_decides_what_an_instance_is()
    {
        var diagonal = new[] { "1.", ".1" };
        var target = new[] { "1.", ".." };
        AssertScores(Score(diagonal, target, connectivity: Connectivity.C8), 1, 1, 1, 1, 1, 1, 1);
        AssertScores(Score(diagonal, target, connectivity: Connectivity.C4), 1, 2, 1, 1, 1, 0.5, 2.0 / 3);
    }

    [Fact]
    public void Instance_maps_take_any_ids_and_reject_negative_ones()
    {
        // Target ids 7 and 1000000 (sparse), the id 7 in two places still one instance; prediction ids 3 and 9.
        var target = new[] { 7, 7, 0, 7, 0, 1_000_000, 1_000_000 };
        var predicted = new[] { 0, 3, 0, 0, 0, 0, 9 };
        AssertScores(InstanceMetrics.FromInstances(predicted, target), 2, 2, 2, 2, 1, 1, 1);
        var error = Assert.Throws<ArgumentException>(() => InstanceMetrics.FromInstances(new[] { -1, 0 }, new[] { 0, 0 }));
        Assert.Equal("predicted", error.ParamName);
        Assert.Throws<ArgumentException>(() => InstanceMetrics.FromInstances(new[] { 0, 1 }, new[] { 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => InstanceMatching.IoU(0));
        Assert.Throws<ArgumentOutOfRangeException>(() => InstanceMatching.IoU(1.5));
    }

    [Fact]
    public void Tensor_overloads_score_each_sample_and_pool_counts()
    {
        using var scope = NewDisposeScope();
        var (p0, shape) = Grid("11..1", ".....", "1...1");
        var (t0, _) = Grid("11...", ".....", "....1");
        var (p1, _) = Grid(".....", ".....", ".....");
        var (t1, _) = Grid("..1..", ".....", ".....");
        var prediction = tensor(p0.Concat(p1).ToArray(), new long[] { 2, 1, 3, 5 }, ScalarType.Byte);
        var target = tensor(t0.Concat(t1).ToArray(), new long[] { 2, 1, 3, 5 }, ScalarType.Byte).to(ScalarType.Float32);

        var scores = InstanceMetrics.FromMasks(prediction, target, Connectivity.C4);
        Assert.Equal(InstanceMetrics.FromMasks(p0, t0, shape, Connectivity.C4), scores[0]);
        Assert.Equal(InstanceMetrics.FromMasks(p1, t1, shape, Connectivity.C4), scores[1]);
        AssertScores(scores[0], 2, 4, 2, 2, 1, 0.5, 2.0 / 3);
        AssertScores(InstanceScores.Pool(scores), 3, 4, 2, 2, 2.0 / 3, 0.5, 4.0 / 7);

        var labels = ConnectedComponents.Label(prediction, Connectivity.C4).Labels;
        var maps = InstanceMetrics.FromInstances(labels, ConnectedComponents.Label(target, Connectivity.C4).Labels.to(ScalarType.Int32));
        Assert.Equal(scores, maps);

        Assert.Throws<ArgumentException>(() => InstanceMetrics.FromInstances(labels.to(ScalarType.Float32), labels));
        Assert.Throws<ArgumentException>(() => InstanceMetrics.FromMasks(prediction, target.squeeze(1), Connectivity.C4));
    }

    [Fact]
    public void Scores_print_their_counts_and_metrics()
    {
        Assert.Equal(
            "targets=3 predicted=3 detected=2 correct=2 sensitivity=0.6667 precision=0.6667 f1=0.6667",
            new InstanceScores(3, 3, 2, 2).ToString());
        Assert.Equal("any overlap", InstanceMatching.AnyOverlap.ToString());
        Assert.Equal("IoU >= 0.5", InstanceMatching.IoU(0.5).ToString());
    }
}
