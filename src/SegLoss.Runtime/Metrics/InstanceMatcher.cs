using System;
using System.Collections.Generic;
using System.Numerics;

namespace SegLoss.Runtime.Metrics;

/// <summary>Counts detections between two dense instance maps (labels 1..P and 1..T, 0 background).</summary>
internal static class InstanceMatcher
{
    public static InstanceScores Score<TP, TT>(ReadOnlySpan<TP> predicted, int predictedCount, ReadOnlySpan<TT> target, int targetCount, InstanceMatching matching)
        where TP : unmanaged, IBinaryInteger<TP>
        where TT : unmanaged, IBinaryInteger<TT>
    {
        if (predicted.Length != target.Length)
        {
            throw new ArgumentException($"prediction has {predicted.Length} voxels but target has {target.Length}.", nameof(predicted));
        }

        return matching.IsAnyOverlap
            ? AnyOverlap(predicted, predictedCount, target, targetCount)
            : OneToOne(predicted, predictedCount, target, targetCount, matching.Threshold);
    }

    private static InstanceScores AnyOverlap<TP, TT>(ReadOnlySpan<TP> predicted, int predictedCount, ReadOnlySpan<TT> target, int targetCount)
        where TP : unmanaged, IBinaryInteger<TP>
        where TT : unmanaged, IBinaryInteger<TT>
    {
        var detected = new bool[targetCount + 1];
        var correct = new bool[predictedCount + 1];
        for (var i = 0; i < predicted.Length; i++)
        {
            int p = int.CreateTruncating(predicted[i]), t = int.CreateTruncating(target[i]);
            if (p != 0 && t != 0)
            {
                detected[t] = true;
                correct[p] = true;
            }
        }

        return new InstanceScores(targetCount, predictedCount, Count(detected), Count(correct));
    }

    /// <summary>Greedy one-to-one matching by decreasing IoU among pairs with IoU ≥ threshold.</summary>
    private static InstanceScores OneToOne<TP, TT>(ReadOnlySpan<TP> predicted, int predictedCount, ReadOnlySpan<TT> target, int targetCount, double threshold)
        where TP : unmanaged, IBinaryInteger<TP>
        where TT : unmanaged, IBinaryInteger<TT>
    {
        var predictedSizes = new long[predictedCount + 1];
        var targetSizes = new long[targetCount + 1];
        var intersections = new Dictionary<long, long>();
        for (var i = 0; i < predicted.Length; i++)
        {
            int p = int.CreateTruncating(predicted[i]), t = int.CreateTruncating(target[i]);
            predictedSizes[p]++;
            targetSizes[t]++;
            if (p != 0 && t != 0)
            {
                var key = (long)t * (predictedCount + 1) + p;
                intersections[key] = intersections.GetValueOrDefault(key) + 1;
            }
        }

        var candidates = new List<(double IoU, int Target, int Predicted)>();
        foreach (var (key, intersection) in intersections)
        {
            var t = (int)(key / (predictedCount + 1));
            var p = (int)(key % (predictedCount + 1));
            var iou = intersection / (double)(targetSizes[t] + predictedSizes[p] - intersection);
            if (iou >= threshold)
            {
                candidates.Add((iou, t, p));
            }
        }

        candidates.Sort((a, b) => b.IoU != a.IoU ? b.IoU.CompareTo(a.IoU) : a.Target != b.Target ? a.Target.CompareTo(b.Target) : a.Predicted.CompareTo(b.Predicted));
        var targetTaken = new bool[targetCount + 1];
        var predictedTaken = new bool[predictedCount + 1];
        var matches = 0;
        foreach (var (_, t, p) in candidates)
        {
            if (!targetTaken[t] && !predictedTaken[p])
            {
                targetTaken[t] = predictedTaken[p] = true;
                matches++;
            }
        }

        return new InstanceScores(targetCount, predictedCount, matches, matches);
    }

    private static int Count(bool[] flags)
    {
        var count = 0;
        for (var i = 1; i < flags.Length; i++)
        {
            count += flags[i] ? 1 : 0;
        }

        return count;
    }
}
