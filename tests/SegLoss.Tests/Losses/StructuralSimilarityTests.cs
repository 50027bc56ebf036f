using System;
using System.Linq;
using SegLoss.Runtime.Kernels;
using SegLoss.Tests.Declarations;
using SegLoss.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace SegLoss.Tests.Losses;

/// <summary>
/// The correlation-maximized structural similarity loss (Zhao et al.) against a brute-force float64 implementation of
/// the paper's formula written with loops over plain arrays (windows enumerated pixel by pixel, two-pass deviation),
/// in 2D and 3D, with class indices and one-hot targets; finite differences; degenerate targets.
/// </summary>
public sealed class StructuralSimilarityTests
{
    [Theory]
    [InlineData(new long[] { 2, 6, 7 }, 3, 21)]
    [InlineData(new long[] { 2, 4, 5, 3 }, 3, 22)]
    public void Value_matches_the_papers_formula_with_indices_and_one_hot(long[] shape, int classes, int seed)
    {
        using var scope = NewDisposeScope();
        var labels = LossHarness.Labels(shape, classes, seed);
        var logits = LossHarness.Logits(labels, classes, seed + 100);
        var oneHot = LossHarness.OneHot(labels, classes);
        using var loss = new StructuralSimilarityLoss();

        var expected = Reference(logits.softmax(1), oneHot, beta: 0.1, c4: 0.01, window: 3, sigmoid: false, pooled: true);

        Assert.Equal(expected, Value(loss.call(logits, labels)), 12);
        Assert.Equal(expected, Value(loss.call(logits, oneHot)), 12);
    }

    [Fact]
    public void Sigmoid_window_5_uses_binary_cross_entropy_per_channel()
    {
        using var scope = NewDisposeScope();
        var labels = LossHarness.Labels(new long[] { 2, 7, 6 }, 3, seed: 23);
        var logits = LossHarness.Logits(labels, 3, seed: 24);
        var oneHot = LossHarness.OneHot(labels, 3);
        using var loss = new SigmoidStructuralSimilarity();

        var expected = Reference(logits.sigmoid(), oneHot, beta: 0.2, c4: 0.01, window: 5, sigmoid: true, pooled: true);

        Assert.Equal(expected, Value(loss.call(logits, oneHot)), 12);
        Assert.Equal(expected, Value(loss.call(logits, labels)), 12);
    }

    [Fact]
    public void Per_sample_without_background_is_the_mean_of_the_samples_plus_cross_entropy()
    {
        using var scope = NewDisposeScope();
        var labels = LossHarness.Labels(new long[] { 3, 6, 5 }, 3, seed: 25);
        var logits = LossHarness.Logits(labels, 3, seed: 26);
        var oneHot = LossHarness.OneHot(labels, 3);
        using var loss = new CrossEntropyAndStructuralSimilarity();

        var crossEntropy = -(oneHot * logits.log_softmax(1)).sum(1).mean().item<double>();
        var probabilities = logits.softmax(1);
        var structural = Enumerable.Range(0, 3).Average(n =>
            Reference(probabilities.narrow(0, n, 1), oneHot.narrow(0, n, 1), 0.1, 0.01, 3, sigmoid: false, pooled: true, firstClass: 1));

        Assert.Equal(crossEntropy + structural, Value(loss.call(logits, labels)), 12);
    }

    [Theory]
    [InlineData(nameof(StructuralSimilarityLoss), new long[] { 2, 5, 4 })]
    [InlineData(nameof(StructuralSimilarityLoss), new long[] { 1, 3, 4, 3 })]
    [InlineData(nameof(SigmoidStructuralSimilarity), new long[] { 2, 5, 6 })]
    [InlineData(nameof(CrossEntropyAndStructuralSimilarity), new long[] { 2, 5, 4 })]
    public void Gradient_matches_finite_differences(string name, long[] shape)
    {
        using var scope = NewDisposeScope();
        using var loss = GradientCheckTests.Create(name);
        var labels = LossHarness.Labels(shape, 3, seed: 27);
        var logits = LossHarness.Logits(labels, 3, seed: 28);
        LossHarness.CheckGradient(x => loss.call(x, labels), logits);
        LossHarness.CheckGradient(x => loss.call(x, LossHarness.OneHot(labels, 3)), logits);
    }

    [Fact]
    public void Empty_classes_and_an_all_foreground_sample_give_a_finite_value_and_gradient()
    {
        using var scope = NewDisposeScope();
        // Sample 0 is all background (classes 1 and 2 empty, class 0 everywhere); sample 1 has only class 1.
        var labels = zeros(new long[] { 2, 5, 6 }, ScalarType.Int64);
        labels[1] = full(new long[] { 5, 6 }, 1L, ScalarType.Int64);
        var logits = LossHarness.Logits(labels, 3, seed: 29);
        using var loss = new StructuralSimilarityLoss();
        using var perSample = new StructuralSimilarityLoss(structural_similarity_batch_statistics: false);

        foreach (var candidate in new[] { loss, perSample })
        {
            var (value, gradient) = LossHarness.ValueAndGradient(x => candidate.call(x, labels), logits);
            Assert.True(double.IsFinite(value));
            Assert.All(gradient, g => Assert.True(double.IsFinite(g)));
            Assert.Equal(Reference(logits.softmax(1), LossHarness.OneHot(labels, 3), 0.1, 0.01, 3, sigmoid: false, pooled: candidate == loss), value, 12);
        }

        // A constant prediction of a constant target: every window is flat (σ = 0, the square root's kink), e = 0, nothing selected.
        var flat = zeros(new long[] { 2, 3, 5, 6 }, ScalarType.Float64);
        var (flatValue, flatGradient) = LossHarness.ValueAndGradient(x => loss.call(x, labels), flat);
        Assert.Equal(0.0, flatValue);
        Assert.All(flatGradient, g => Assert.True(double.IsFinite(g)));
    }

    [Fact]
    public void Ignored_pixels_count_in_no_window_no_maximum_and_no_sum()
    {
        using var scope = NewDisposeScope();
        var labels = LossHarness.Labels(new long[] { 1, 6, 6 }, 3, seed: 30);
        var logits = LossHarness.Logits(labels, 3, seed: 31);
        var ignored = labels.clone();
        ignored[0, 2, 3] = tensor(255L);
        using var loss = new StructuralSimilarityLoss(ignore_index: 255);

        var (_, gradient) = LossHarness.ValueAndGradient(x => loss.call(x, ignored), logits);
        var expected = Reference(logits.softmax(1), LossHarness.OneHot(labels, 3), 0.1, 0.01, 3, sigmoid: false, pooled: true, ignored: (2, 3));

        Assert.Equal(expected, Value(loss.call(logits, ignored)), 12);
        Assert.All(Enumerable.Range(0, 3), c => Assert.Equal(0.0, gradient[c * 36 + 2 * 6 + 3]));
    }

    [Fact]
    public void Local_statistics_clip_the_window_at_the_border()
    {
        using var scope = NewDisposeScope();
        var maps = tensor(new double[] { 1, 2, 4, 8 }, new long[] { 1, 1, 4 });

        var mean = LocalStatistics.Mean(maps, 3).data<double>().ToArray();
        var deviation = LocalStatistics.StandardDeviation(maps, 3).data<double>().ToArray();

        foreach (var (expected, actual) in new[] { 1.5, 7.0 / 3, 14.0 / 3, 6 }.Zip(mean))
        {
            Assert.Equal(expected, actual, 14);
        }

        Assert.Equal(0.5, deviation[0], 14);
        Assert.Equal(Math.Sqrt((1 + 4 + 16) / 3.0 - 49.0 / 9), deviation[1], 14);
        Assert.Throws<ArgumentOutOfRangeException>(() => LocalStatistics.Mean(maps, 2));
    }

    [Fact]
    public void Parameters_out_of_range_throw_at_construction()
    {
        Assert.Equal("window", Assert.Throws<ArgumentOutOfRangeException>(() => new StructuralSimilarityLoss(window: 4)).ParamName);
        Assert.Equal("c4", Assert.Throws<ArgumentOutOfRangeException>(() => new StructuralSimilarityLoss(c4: 0)).ParamName);
        Assert.Equal("beta", Assert.Throws<ArgumentOutOfRangeException>(() => new StructuralSimilarityLoss(beta: 1.5)).ParamName);
    }

    private static double Value(Tensor loss) => loss.item<double>();

    /// <summary>
    /// The paper's loss on arrays: e per pixel and class from windowed means and two-pass deviations, f = e &gt; β·max e
    /// (max per sample over all channels), Σ f·e·CE / max(Σ f, 1) over the classes from <paramref name="firstClass"/>
    /// and the whole batch (pooled) or per sample, averaged.
    /// </summary>
    private static double Reference(Tensor probabilities, Tensor target, double beta, double c4, int window, bool sigmoid, bool pooled, int firstClass = 0, (int Row, int Column)? ignored = null)
    {
        var shape = probabilities.shape;
        var (n, c) = ((int)shape[0], (int)shape[1]);
        var spatial = shape.Skip(2).Select(s => (int)s).ToArray();
        var pixels = spatial.Aggregate(1, (a, b) => a * b);
        var p = probabilities.contiguous().data<double>().ToArray();
        var y = target.to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
        bool Valid(int x) => ignored is null || x != ignored.Value.Row * spatial[1] + ignored.Value.Column;

        double[] Coefficients(int sample)
        {
            var e = new double[c * pixels];
            for (var k = 0; k < c; k++)
            {
                var offset = (sample * c + k) * pixels;
                for (var x = 0; x < pixels; x++)
                {
                    var window_ = Window(x).Where(Valid).ToArray();
                    double Normalized(double[] values)
                    {
                        var mean = window_.Average(i => values[offset + i]);
                        var deviation = Math.Sqrt(window_.Average(i => Math.Pow(values[offset + i] - mean, 2)));
                        return (values[offset + x] - mean + c4) / (deviation + c4);
                    }

                    e[k * pixels + x] = Valid(x) ? Math.Abs(Normalized(y) - Normalized(p)) : 0;
                }
            }

            return e;
        }

        System.Collections.Generic.IEnumerable<int> Window(int x)
        {
            var coordinates = PixelGrid.Coordinates(x, spatial);

            var radius = window / 2;
            var neighbours = new[] { 0 }.AsEnumerable();
            for (var d = 0; d < spatial.Length; d++)
            {
                var axis = d;
                neighbours = neighbours.SelectMany(prefix => Enumerable.Range(coordinates[axis] - radius, window)
                    .Where(v => v >= 0 && v < spatial[axis])
                    .Select(v => prefix * spatial[axis] + v));
            }

            return neighbours;
        }

        var (sums, counts) = (new double[n], new double[n]);
        for (var sample = 0; sample < n; sample++)
        {
            var e = Coefficients(sample);
            var max = e.Max();
            for (var k = firstClass; k < c; k++)
            {
                for (var x = 0; x < pixels; x++)
                {
                    var value = e[k * pixels + x];
                    if (!Valid(x) || !(value > beta * max))
                    {
                        continue;
                    }

                    var index = (sample * c + k) * pixels + x;
                    var crossEntropy = sigmoid
                        ? -(y[index] * Math.Log(p[index]) + (1 - y[index]) * Math.Log(1 - p[index]))
                        : -y[index] * Math.Log(p[index]);
                    sums[sample] += value * crossEntropy;
                    counts[sample] += 1;
                }
            }
        }

        return pooled
            ? sums.Sum() / Math.Max(counts.Sum(), 1)
            : Enumerable.Range(0, n).Average(i => sums[i] / Math.Max(counts[i], 1));
    }
}
