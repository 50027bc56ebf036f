using System;
using System.Linq;
using SegLoss.Runtime;
using SegLoss.Runtime.Distance;
using SegLoss.Tests.Declarations;
using SegLoss.Tests.Infrastructure;
using static TorchSharp.torch;

namespace SegLoss.Tests.Losses;

/// <summary>
/// The distance-map terms: their values against the maps computed directly, precomputed maps, spacing, the masks where
/// distances degenerate (empty, full, single voxel, size-1 axes), the erosion loss, and settable weights with
/// Kervadec's schedule. Gradients against finite differences are in <see cref="GradientCheckTests"/>.
/// </summary>
public sealed class DistanceTermTests
{
    private static double Value(Tensor t) => t.to_type(ScalarType.Float64).item<double>();

    private static (Tensor Logits, Tensor Labels) Batch(long[]? shape = null)
    {
        var labels = LossHarness.Labels(shape ?? new long[] { 2, 7, 6 }, 3, seed: 31);
        return (LossHarness.Logits(labels, 3, seed: 32), labels);
    }

    /// <summary>The per-class membership masks <c>[N, C, *spatial]</c> of class indices.</summary>
    private static Tensor Members(Tensor labels, int classes) => LossHarness.OneHot(labels, classes).gt(0.5);

    private static Tensor Maps(Tensor labels, DistanceMapConvention convention, double[]? spacing = null) =>
        DistanceMaps.Compute(Members(labels, 3), (int)labels.dim() - 1, convention, spacing ?? Array.Empty<double>(), ScalarType.Float64);

    [Fact]
    public void Boundary_is_the_mean_of_probabilities_times_the_signed_map()
    {
        using var scope = NewDisposeScope();
        var (logits, labels) = Batch();
        using var loss = new DiceBoundary(dice_weight: 0);

        var expected = (logits.softmax(1) * Maps(labels, DistanceMapConvention.KervadecSigned)).mean();

        Assert.Equal(Value(expected), Value(loss.call(logits, labels)), 14);
    }

    [Fact]
    public void Precomputed_maps_give_the_loss_and_gradient_of_computed_ones()
    {
        using var scope = NewDisposeScope();
        var (logits, labels) = Batch();
        using var loss = new DiceBoundary();
        var maps = Maps(labels, DistanceMapConvention.KervadecSigned);

        var computed = LossHarness.ValueAndGradient(x => loss.call(x, labels), logits);
        var given = LossHarness.ValueAndGradient(x => loss.forward(x, labels, maps), logits);

        Assert.Equal(computed.Value, given.Value, 15);
        Assert.Equal(computed.Gradient, given.Gradient, (a, b) => Math.Abs(a - b) < 1e-15);
    }

    [Fact]
    public void Precomputed_maps_of_the_wrong_shape_are_refused_by_name()
    {
        using var scope = NewDisposeScope();
        var (logits, labels) = Batch();
        using var loss = new DiceBoundary();

        var error = Assert.Throws<ArgumentException>(() => loss.forward(logits, labels, zeros(2, 1, 7, 6, dtype: ScalarType.Float64)));
        Assert.Equal("distances", error.ParamName);
        Assert.Contains("[2, 3, 7, 6]", error.Message);
    }

    [Fact]
    public void Spacing_scales_the_distances_along_its_axis()
    {
        using var scope = NewDisposeScope();
        var (logits, labels) = Batch();
        var spacing = new[] { 1.0, 2.5 };
        using var anisotropic = new DiceBoundary(dice_weight: 0, spacing: spacing);
        using var isotropic = new DiceBoundary(dice_weight: 0);

        var expected = (logits.softmax(1) * Maps(labels, DistanceMapConvention.KervadecSigned, spacing)).mean();

        Assert.Equal(Value(expected), Value(anisotropic.call(logits, labels)), 14);
        Assert.NotEqual(Value(isotropic.call(logits, labels)), Value(anisotropic.call(logits, labels)), 6);
    }

    [Fact]
    public void Spacing_is_checked_at_construction_and_against_the_input()
    {
        using var scope = NewDisposeScope();
        var (logits, labels) = Batch();

        Assert.Equal("spacing", Assert.ThrowsAny<ArgumentException>(() => new DiceBoundary(spacing: new[] { 1.0, -2.0 })).ParamName);
        using var loss = new DiceBoundary(spacing: new[] { 1.0, 1.0, 1.0 });
        var error = Assert.Throws<ArgumentException>(() => loss.call(logits, labels));
        Assert.Equal("spacing", error.ParamName);
        Assert.Contains("2 spatial axes", error.Message);
    }

    [Fact]
    public void Declared_spacing_is_the_default_and_the_constructor_overrides_it()
    {
        using var scope = NewDisposeScope();
        var (logits, labels) = Batch();
        using var declared = new AnisotropicDistances();
        using var explicitSame = new AnisotropicDistances(spacing: new[] { 1.0, 2.5 });
        using var isotropic = new AnisotropicDistances(spacing: new[] { 1.0, 1.0 });

        Assert.Equal(Value(explicitSame.call(logits, labels)), Value(declared.call(logits, labels)), 15);
        Assert.NotEqual(Value(isotropic.call(logits, labels)), Value(declared.call(logits, labels)), 6);
    }

    [Theory]
    [InlineData("empty")]
    [InlineData("full")]
    [InlineData("single voxel")]
    public void Degenerate_masks_give_finite_values_and_gradients(string kind)
    {
        using var scope = NewDisposeScope();
        var labels = zeros(new long[] { 1, 5, 4 }, ScalarType.Int64);
        if (kind == "full")
        {
            labels.fill_(2L);
        }
        else if (kind == "single voxel")
        {
            labels[0, 2, 1] = tensor(1L);
        }

        var logits = LossHarness.Logits(labels, 3, seed: 5);
        foreach (var loss in new TorchSharp.Loss<Tensor, Tensor, Tensor>[] { new DiceBoundary(), new HausdorffDTLosses(), new DistancePenalizedLosses(), new AnisotropicDistances() })
        {
            using (loss)
            {
                var (value, gradient) = LossHarness.ValueAndGradient(x => loss.call(x, labels), logits);
                Assert.True(double.IsFinite(value), $"{loss.GetType().Name} on a {kind} mask: {value}");
                Assert.All(gradient, g => Assert.True(double.IsFinite(g)));
            }
        }
    }

    [Fact]
    public void An_absent_class_has_a_zero_signed_map_so_boundary_ignores_it()
    {
        using var scope = NewDisposeScope();
        var labels = zeros(new long[] { 1, 5, 4 }, ScalarType.Int64);
        labels[0, TensorIndex.Slice(0, 2)] = tensor(1L); // class 2 is absent
        var logits = LossHarness.Logits(labels, 3, seed: 6);
        using var loss = new SigmoidBoundary();
        var (_, gradient) = LossHarness.ValueAndGradient(x => loss.call(x, labels), logits);

        // Sigmoid: class 2's logits reach only class 2's (zero) map.
        var perClass = tensor(gradient).view(1, 3, 5, 4);
        Assert.Equal(0.0, Value(perClass[0, 2].abs().max()));
        Assert.NotEqual(0.0, Value(perClass[0, 1].abs().max()));
    }

    [Fact]
    public void Size_one_axes_and_single_voxel_objects_pass_the_gradient_check()
    {
        using var scope = NewDisposeScope();
        var labels = zeros(new long[] { 2, 1, 6 }, ScalarType.Int64);
        labels[0, 0, 3] = tensor(1L);
        labels[1, 0, TensorIndex.Slice(1, 3)] = tensor(2L);
        var logits = LossHarness.Logits(labels, 3, seed: 9);
        foreach (var loss in new TorchSharp.Loss<Tensor, Tensor, Tensor>[] { new DiceBoundary(), new HausdorffDTLosses(), new DistancePenalizedLosses() })
        {
            using (loss)
            {
                LossHarness.CheckGradient(x => loss.call(x, labels), logits);
            }
        }
    }

    [Fact]
    public void Hausdorff_erosion_matches_the_reference_erosion_and_finite_differences()
    {
        using var scope = NewDisposeScope();
        var labels = LossHarness.Labels(new long[] { 2, 8, 7 }, 2, seed: 13).unsqueeze(1).to_type(ScalarType.Float64);
        var logits = randn(new long[] { 2, 1, 8, 7 }, ScalarType.Float64, generator: new TorchSharp.torch.Generator(14)) * 3;
        using var loss = new HausdorffErosionLoss();

        var expected = ReferenceErosionLoss(logits.sigmoid(), labels, erosions: 3, alpha: 2.0);

        Assert.Equal(expected, Value(loss.call(logits, labels)), 13);
        LossHarness.CheckGradient(x => loss.call(x, labels), logits);
    }

    [Fact]
    public void Hausdorff_erosion_of_a_perfect_prediction_is_zero()
    {
        using var scope = NewDisposeScope();
        var labels = LossHarness.Labels(new long[] { 1, 8, 7 }, 2, seed: 15).unsqueeze(1).to_type(ScalarType.Float64);
        var logits = (labels * 2 - 1) * 100; // sigmoid is 0 or 1 up to 4e-44
        using var loss = new HausdorffErosionLoss();

        Assert.Equal(0.0, Value(loss.call(logits, labels)));
    }

    [Fact]
    public void Term_weights_are_settable_and_checked()
    {
        using var scope = NewDisposeScope();
        var (logits, labels) = Batch();
        using var loss = new DiceBoundary();
        using var diceOnly = new DiceBoundary(boundary_weight: 0);

        loss.boundary_weight = 0;

        Assert.Equal(Value(diceOnly.call(logits, labels)), Value(loss.call(logits, labels)), 15);
        Assert.Equal("boundary_weight", Assert.Throws<ArgumentOutOfRangeException>(() => loss.boundary_weight = -1).ParamName);
    }

    [Fact]
    public void Boundary_rebalancing_moves_weight_to_the_boundary_term_each_epoch()
    {
        var schedule = new BoundaryRebalancing();

        Assert.Equal((1.0, 0.01), schedule.WeightsAt(0));
        var (region, boundary) = schedule.WeightsAt(5);
        Assert.Equal(0.95, region, 12);
        Assert.Equal(0.06, boundary, 12);
        var late = schedule.WeightsAt(200);
        Assert.Equal(0.1, late.Region);
        Assert.Equal(2.01, late.Boundary, 10);
        Assert.Equal("epoch", Assert.Throws<ArgumentOutOfRangeException>(() => schedule.WeightsAt(-1)).ParamName);

        // The paper's alpha form: region alpha, boundary 1 - alpha, alpha down to 0.01.
        var paper = new BoundaryRebalancing(1, 0, 0.01, 0.01);
        var (alpha, rest) = paper.WeightsAt(30);
        Assert.Equal(1.0, alpha + rest, 12);
        Assert.Equal(0.01, paper.WeightsAt(500).Region);
    }

    /// <summary>
    /// HausdorffERLoss.perform_erosion of the common PyTorch port, in plain loops: per sample and channel (one channel
    /// here), K times: convolve (p - y)^2 with the cross kernel / 5 (zero padding), subtract 0.5, clamp at 0, rescale
    /// by min and range unless constant, add (k + 1)^alpha times it; the loss is the mean.
    /// </summary>
    private static double ReferenceErosionLoss(Tensor probabilities, Tensor target, int erosions, double alpha)
    {
        var (n, h, w) = ((int)probabilities.shape[0], (int)probabilities.shape[2], (int)probabilities.shape[3]);
        var p = probabilities.contiguous().data<double>().ToArray();
        var y = target.contiguous().data<double>().ToArray();
        var total = 0.0;
        for (var sample = 0; sample < n; sample++)
        {
            var bound = Enumerable.Range(0, h * w).Select(i => Math.Pow(p[sample * h * w + i] - y[sample * h * w + i], 2)).ToArray();
            var eroded = new double[h * w];
            for (var k = 0; k < erosions; k++)
            {
                var next = new double[h * w];
                for (var r = 0; r < h; r++)
                {
                    for (var c = 0; c < w; c++)
                    {
                        double At(int rr, int cc) => rr < 0 || rr >= h || cc < 0 || cc >= w ? 0 : bound[rr * w + cc];
                        var convolved = 0.2 * (At(r, c) + At(r - 1, c) + At(r + 1, c) + At(r, c - 1) + At(r, c + 1));
                        next[r * w + c] = Math.Max(0, convolved - 0.5);
                    }
                }

                var (low, high) = (next.Min(), next.Max());
                if (high - low != 0)
                {
                    next = next.Select(v => (v - low) / (high - low)).ToArray();
                }

                bound = next;
                for (var i = 0; i < h * w; i++)
                {
                    eroded[i] += bound[i] * Math.Pow(k + 1, alpha);
                }
            }

            total += eroded.Sum();
        }

        return total / (n * h * w);
    }
}
