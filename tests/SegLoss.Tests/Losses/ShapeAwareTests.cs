using System;
using System.Collections.Generic;
using System.Linq;
using SegLoss.Runtime.Kernels;
using SegLoss.Tests.Declarations;
using SegLoss.Tests.Infrastructure;
using static TorchSharp.torch;

namespace SegLoss.Tests.Losses;

/// <summary>
/// The shape-aware loss (Al Arif et al.) against a brute-force float64 implementation on plain arrays: the predicted
/// contour found pixel by pixel, the distance to the target's contour by enumerating every pixel pair; finite
/// differences; degenerate targets and predictions.
/// </summary>
public sealed class ShapeAwareTests
{
    [Theory]
    [InlineData(new long[] { 2, 7, 6 }, 3, 41)]
    [InlineData(new long[] { 2, 5, 4, 3 }, 3, 42)]
    public void Softmax_value_matches_the_brute_force_formula_with_indices_and_one_hot(long[] shape, int classes, int seed)
    {
        using var scope = NewDisposeScope();
        var labels = LossHarness.Labels(shape, classes, seed);
        var logits = LossHarness.Logits(labels, classes, seed + 100);
        var oneHot = LossHarness.OneHot(labels, classes);
        using var loss = new ShapeAwareSoftmax();

        var expected = Reference(logits.softmax(1), oneHot, sigmoid: false);

        Assert.Equal(expected, loss.call(logits, labels).item<double>(), 12);
        Assert.Equal(expected, loss.call(logits, oneHot).item<double>(), 12);
    }

    [Fact]
    public void Sigmoid_weights_each_channels_binary_cross_entropy()
    {
        using var scope = NewDisposeScope();
        var labels = LossHarness.Labels(new long[] { 2, 6, 7 }, 3, seed: 43);
        var logits = LossHarness.Logits(labels, 3, seed: 44);
        var oneHot = LossHarness.OneHot(labels, 3);
        using var loss = new ShapeAwareSigmoid();

        Assert.Equal(Reference(logits.sigmoid(), oneHot, sigmoid: true), loss.call(logits, oneHot).item<double>(), 12);
    }

    [Fact]
    public void A_perfect_contour_leaves_the_cross_entropy_and_a_distant_one_raises_it()
    {
        using var scope = NewDisposeScope();
        var labels = zeros(new long[] { 1, 8, 8 }, ScalarType.Int64);
        labels[0, TensorIndex.Slice(2, 5), TensorIndex.Slice(2, 5)] = tensor(1L);
        var oneHot = LossHarness.OneHot(labels, 2);
        using var loss = new ShapeAwareSoftmax();

        // Logits that put p > 0.5 exactly on the target: E = 0 for both classes.
        var exact = (oneHot * 4 - 2).to_type(ScalarType.Float64);
        var crossEntropy = -(oneHot * exact.log_softmax(1)).sum(1).mean().item<double>();
        Assert.Equal(crossEntropy, loss.call(exact, labels).item<double>(), 14);

        // The same square predicted three pixels to the right: class 1's contour lies 0 to 3 pixels off.
        var shifted = exact.roll(3, 3);
        var shiftedCrossEntropy = -(oneHot * shifted.log_softmax(1)).sum(1).mean().item<double>();
        Assert.True(loss.call(shifted, labels).item<double>() > shiftedCrossEntropy);
        Assert.Equal(Reference(shifted.softmax(1), oneHot, sigmoid: false), loss.call(shifted, labels).item<double>(), 12);
    }

    [Theory]
    [InlineData(nameof(ShapeAwareSoftmax), new long[] { 2, 5, 6 })]
    [InlineData(nameof(ShapeAwareSoftmax), new long[] { 1, 4, 3, 3 })]
    [InlineData(nameof(ShapeAwareSigmoid), new long[] { 2, 6, 5 })]
    public void Gradient_matches_finite_differences(string name, long[] shape)
    {
        using var scope = NewDisposeScope();
        using var loss = GradientCheckTests.Create(name);
        var labels = LossHarness.Labels(shape, 3, seed: 45);
        var logits = LossHarness.Logits(labels, 3, seed: 46);
        LossHarness.CheckGradient(x => loss.call(x, labels), logits);
        LossHarness.CheckGradient(x => loss.call(x, LossHarness.OneHot(labels, 3)), logits);
    }

    [Fact]
    public void Empty_classes_an_all_foreground_sample_and_an_empty_prediction_are_finite()
    {
        using var scope = NewDisposeScope();
        // Sample 0 is all background (classes 1 and 2 empty); sample 1 is all class 1.
        var labels = zeros(new long[] { 2, 5, 6 }, ScalarType.Int64);
        labels[1] = full(new long[] { 5, 6 }, 1L, ScalarType.Int64);
        using var loss = new ShapeAwareSoftmax();

        foreach (var logits in new[] { LossHarness.Logits(labels, 3, seed: 47), zeros(new long[] { 2, 3, 5, 6 }, ScalarType.Float64) })
        {
            var (value, gradient) = LossHarness.ValueAndGradient(x => loss.call(x, labels), logits);
            Assert.True(double.IsFinite(value));
            Assert.All(gradient, g => Assert.True(double.IsFinite(g)));
        }

        // Uniform logits predict nothing (p = 1/3 everywhere): no contour, E = 0, the plain cross-entropy log 3.
        Assert.Equal(Math.Log(3), loss.call(zeros(new long[] { 2, 3, 5, 6 }, ScalarType.Float64), labels).item<double>(), 14);
    }

    [Fact]
    public void The_contour_is_the_masks_inner_boundary_layer_and_the_image_edge_is_not_a_boundary()
    {
        using var scope = NewDisposeScope();
        var mask = tensor(new double[]
        {
            1, 1, 1, 0,
            1, 1, 1, 0,
            1, 1, 1, 0,
            0, 0, 0, 0,
        }, new long[] { 1, 1, 4, 4 });

        var contour = MaskContour.Compute(mask).data<double>().ToArray();

        Assert.Equal(new double[] { 0, 0, 1, 0, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0 }, contour);
    }

    /// <summary>
    /// The loss on arrays, per sample and class: the predicted contour (p &gt; 0.5 with a face neighbour at or below 0.5),
    /// |sdist| at each of its pixels by brute force (outside the target the distance to the nearest target pixel, inside
    /// it the distance to the nearest non-target pixel minus 1, 0 for an empty class), E their mean, times the class's
    /// cross-entropy averaged over the pixels; summed over classes (softmax) or averaged (sigmoid), then over samples.
    /// </summary>
    private static double Reference(Tensor probabilities, Tensor target, bool sigmoid)
    {
        var shape = probabilities.shape;
        var (n, c) = ((int)shape[0], (int)shape[1]);
        var spatial = shape.Skip(2).Select(s => (int)s).ToArray();
        var pixels = spatial.Aggregate(1, (a, b) => a * b);
        var p = probabilities.contiguous().data<double>().ToArray();
        var y = target.to_type(ScalarType.Float64).contiguous().data<double>().ToArray();
        var coordinates = Enumerable.Range(0, pixels).Select(x => PixelGrid.Coordinates(x, spatial)).ToArray();

        var total = 0.0;
        for (var sample = 0; sample < n; sample++)
        {
            var perClass = new List<double>();
            for (var k = 0; k < c; k++)
            {
                var offset = (sample * c + k) * pixels;
                bool Predicted(int x) => p[offset + x] > 0.5;
                bool InTarget(int x) => y[offset + x] > 0.5;
                var targetPixels = Enumerable.Range(0, pixels).Where(InTarget).ToArray();
                var otherPixels = Enumerable.Range(0, pixels).Where(x => !InTarget(x)).ToArray();
                double Distance(int a, int b) => Math.Sqrt(coordinates[a].Zip(coordinates[b], (u, v) => (double)(u - v) * (u - v)).Sum());
                double ContourDistance(int x) => targetPixels.Length == 0 ? 0
                    : InTarget(x) ? otherPixels.Min(o => Distance(x, o)) - 1
                    : targetPixels.Min(t => Distance(x, t));

                var contour = Enumerable.Range(0, pixels)
                    .Where(x => Predicted(x) && Neighbours(x, coordinates, spatial).Any(m => !Predicted(m)))
                    .ToArray();
                var e = contour.Length == 0 ? 0 : contour.Sum(ContourDistance) / contour.Length;
                var crossEntropy = Enumerable.Range(0, pixels).Average(x => sigmoid
                    ? -(y[offset + x] * Math.Log(p[offset + x]) + (1 - y[offset + x]) * Math.Log(1 - p[offset + x]))
                    : -y[offset + x] * Math.Log(p[offset + x]));
                perClass.Add((1 + e) * crossEntropy);
            }

            total += sigmoid ? perClass.Average() : perClass.Sum();
        }

        return total / n;
    }

    private static IEnumerable<int> Neighbours(int x, int[][] coordinates, int[] spatial)
    {
        for (var d = 0; d < spatial.Length; d++)
        {
            foreach (var step in new[] { -1, 1 })
            {
                var moved = (int[])coordinates[x].Clone();
                moved[d] += step;
                if (moved[d] >= 0 && moved[d] < spatial[d])
                {
                    yield return PixelGrid.Index(moved, spatial);
                }
            }
        }
    }
}
