using System;
using System.Linq;
using SegLoss.Tests.Declarations;
using SegLoss.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace SegLoss.Tests.Losses;

/// <summary>The semantics every loss follows (DESIGN §3), checked against independent computations.</summary>
public sealed class SemanticsTests
{
    private static (Tensor Logits, Tensor Labels) Batch(long[] shape, int seed = 1)
    {
        var labels = LossHarness.Labels(shape, 3, seed);
        return (LossHarness.Logits(labels, 3, seed + 100), labels);
    }

    private static double Value(Tensor t) => t.to_type(ScalarType.Float64).item<double>();

    [Fact]
    public void Ignored_pixels_count_in_no_sum_and_get_zero_gradient()
    {
        using var scope = NewDisposeScope();
        using var loss = new DiceCE(batch_statistics: false);
        var (logits, labels) = Batch(new long[] { 2, 6, 7 });
        var ignored = labels.clone();
        ignored[TensorIndex.Colon, TensorIndex.Colon, TensorIndex.Slice(5, 7)] = tensor(255L);

        var (value, gradient) = LossHarness.ValueAndGradient(x => loss.call(x, ignored), logits);
        var (cropped, _) = LossHarness.ValueAndGradient(
            x => loss.call(x[TensorIndex.Ellipsis, TensorIndex.Slice(0, 5)].contiguous(), labels[TensorIndex.Ellipsis, TensorIndex.Slice(0, 5)].contiguous()),
            logits);

        Assert.Equal(cropped, value, 12);
        var grad = tensor(gradient).view(logits.shape);
        Assert.Equal(0.0, Value(grad[TensorIndex.Ellipsis, TensorIndex.Slice(5, 7)].abs().max()));
        Assert.True(Value(grad[TensorIndex.Ellipsis, TensorIndex.Slice(0, 5)].abs().max()) > 0);
    }

    [Fact]
    public void A_batch_with_no_valid_pixel_gives_zero_loss_and_zero_gradient()
    {
        using var scope = NewDisposeScope();
        using var loss = new DiceCE();
        var (logits, _) = Batch(new long[] { 2, 4, 4 });
        var allIgnored = full(new long[] { 2, 4, 4 }, 255L, ScalarType.Int64);

        var (value, gradient) = LossHarness.ValueAndGradient(x => loss.call(x, allIgnored), logits);

        Assert.Equal(0.0, value);
        Assert.All(gradient, g => Assert.Equal(0.0, g));
    }

    [Theory]
    [InlineData(nameof(SoftmaxDice))]
    [InlineData(nameof(DiceCE))]
    [InlineData(nameof(SoftmaxFocal))]
    [InlineData(nameof(SigmoidFocal))]
    [InlineData(nameof(CustomTversky))]
    [InlineData(nameof(KitchenSink))]
    [InlineData(nameof(SoftmaxIoU))]
    [InlineData(nameof(WeightedTversky))]
    [InlineData(nameof(FocalTverskyPerClass))]
    [InlineData(nameof(FocalTverskyAfterMean))]
    [InlineData(nameof(GeneralizedDiceSquare))]
    [InlineData(nameof(GeneralizedDiceSimple))]
    [InlineData(nameof(PenaltyGeneralizedDice))]
    [InlineData(nameof(SensitivityAndAsymmetric))]
    [InlineData(nameof(LogCoshAndMcc))]
    [InlineData(nameof(ExpLogLoss))]
    [InlineData(nameof(DiceTopK))]
    [InlineData(nameof(BinaryCrossEntropies))]
    [InlineData(nameof(LovaszSoftmaxLosses))]
    [InlineData(nameof(LovaszHingeLoss))]
    [InlineData(nameof(ClDiceLoss))]
    public void Empty_and_full_targets_give_finite_values_and_gradients(string name)
    {
        using var scope = NewDisposeScope();
        using var loss = GradientCheckTests.Create(name);
        var (logits, _) = Batch(new long[] { 2, 5, 5 });
        foreach (var fill in new[] { 0L, 1L, 2L })
        {
            var target = full(new long[] { 2, 5, 5 }, fill, ScalarType.Int64);
            var (value, gradient) = LossHarness.ValueAndGradient(x => loss.call(x, target), logits);
            Assert.True(double.IsFinite(value), $"{name} with every pixel of class {fill}: {value}");
            Assert.All(gradient, g => Assert.True(double.IsFinite(g)));
        }
    }

    [Fact]
    public void Per_sample_statistics_average_single_sample_losses()
    {
        using var scope = NewDisposeScope();
        using var loss = new SoftmaxDice();
        var (logits, labels) = Batch(new long[] { 3, 5, 6 });
        var whole = Value(loss.call(logits, labels));
        var single = Enumerable.Range(0, 3).Select(n => Value(loss.call(logits[n..(n + 1)], labels[n..(n + 1)]))).Average();
        Assert.Equal(single, whole, 14);
    }

    [Fact]
    public void Batch_statistics_equal_the_loss_of_the_concatenated_volume()
    {
        using var scope = NewDisposeScope();
        using var loss = new SoftmaxDice(batch_statistics: true);
        var (logits, labels) = Batch(new long[] { 3, 5, 6 });
        var batch = Value(loss.call(logits, labels));
        var concatenated = Value(loss.call(
            cat(Enumerable.Range(0, 3).Select(n => logits[n..(n + 1)]).ToArray(), 2),
            cat(Enumerable.Range(0, 3).Select(n => labels[n..(n + 1)]).ToArray(), 1)));
        Assert.Equal(concatenated, batch, 14);
    }

    [Fact]
    public void Reductions_relate_as_documented()
    {
        using var scope = NewDisposeScope();
        var (logits, labels) = Batch(new long[] { 3, 4, 4 });
        using var mean = new DiceCE();
        using var sum = new DiceCE(reduction: Reduction.Sum);
        using var none = new DiceCE(reduction: Reduction.None);
        var perSample = none.call(logits, labels);
        Assert.Equal(new long[] { 3 }, perSample.shape);
        Assert.Equal(3 * Value(mean.call(logits, labels)), Value(sum.call(logits, labels)), 12);

        // With per-sample statistics (Dice) Mean is the mean of None; the batch-pooled CE there is per sample.
        using var dice = new SoftmaxDice();
        using var diceNone = new SoftmaxDice(reduction: Reduction.None);
        Assert.Equal(Value(dice.call(logits, labels)), Value(diceNone.call(logits, labels).mean()), 14);
        Assert.Equal(TorchSharp.torch.nn.Reduction.None, diceNone.reduction);
    }

    [Theory]
    [InlineData(nameof(SoftmaxDice))]
    [InlineData(nameof(SquaredDice))]
    [InlineData(nameof(WeightedSmoothedCrossEntropy))]
    [InlineData(nameof(SoftmaxFocal))]
    [InlineData(nameof(SigmoidFocal))]
    [InlineData(nameof(TopKCrossEntropy))]
    [InlineData(nameof(KitchenSink))]
    [InlineData(nameof(LovaszSoftmaxLosses))]
    [InlineData(nameof(ClDiceLoss))]
    public void Class_indices_and_one_hot_targets_give_the_same_loss_and_gradient(string name)
    {
        using var scope = NewDisposeScope();
        using var loss = GradientCheckTests.Create(name);
        var (logits, labels) = Batch(new long[] { 2, 5, 6 });
        var (indexValue, indexGradient) = LossHarness.ValueAndGradient(x => loss.call(x, labels), logits);
        var (layoutValue, _) = LossHarness.ValueAndGradient(x => loss.call(x, labels.unsqueeze(1)), logits);
        var (denseValue, denseGradient) = LossHarness.ValueAndGradient(x => loss.call(x, LossHarness.OneHot(labels, 3)), logits);

        Assert.Equal(indexValue, layoutValue, 15);
        Assert.Equal(indexValue, denseValue, 13);
        for (var i = 0; i < indexGradient.Length; i++)
        {
            Assert.Equal(indexGradient[i], denseGradient[i], 13);
        }
    }

    [Fact]
    public void Focal_with_gamma_zero_is_cross_entropy()
    {
        using var scope = NewDisposeScope();
        using var focal = new SoftmaxFocalGammaZero();
        using var ce = new CrossEntropyLoss();
        var (logits, labels) = Batch(new long[] { 2, 5, 6 });
        Assert.Equal(Value(ce.call(logits, labels)), Value(focal.call(logits, labels)), 14);
        Assert.Equal(Value(torch.nn.functional.cross_entropy(logits, labels)), Value(ce.call(logits, labels)), 14);
    }

    [Theory]
    [InlineData(nameof(SoftmaxFocalGammaHalf))]
    [InlineData(nameof(SigmoidFocalGammaHalf))]
    [InlineData(nameof(DiceCE))]
    [InlineData(nameof(SigmoidFocal))]
    public void Saturated_logits_keep_finite_gradients(string name)
    {
        using var scope = NewDisposeScope();
        using var loss = GradientCheckTests.Create(name);
        var (_, labels) = Batch(new long[] { 2, 4, 4 });
        var logits = (LossHarness.OneHot(labels, 3) * 200 - 100).contiguous(); // ±100, right and wrong
        logits[0, TensorIndex.Colon, 0, 0] = tensor(new[] { 100.0, -100.0, -100.0 });
        foreach (var input in new[] { logits, logits.flip(1).contiguous() })
        {
            var (value, gradient) = LossHarness.ValueAndGradient(x => loss.call(x, labels), input);
            Assert.True(double.IsFinite(value));
            Assert.All(gradient, g => Assert.True(double.IsFinite(g), $"{name}: gradient {g}"));
        }
    }

    [Theory]
    [InlineData(ScalarType.Float32, 1e-6)]
    [InlineData(ScalarType.Float16, 2e-3)]
    [InlineData(ScalarType.BFloat16, 2e-2)]
    public void Low_precision_inputs_follow_the_float64_result(ScalarType type, double tolerance)
    {
        using var scope = NewDisposeScope();
        using var loss = new DiceCE();
        var (logits, labels) = Batch(new long[] { 2, 16, 16 });
        var reference = Value(loss.call(logits, labels));
        var low = logits.to_type(type).requires_grad_(true);
        var value = loss.call(low, labels);
        value.backward();
        Assert.Equal(ScalarType.Float32, value.dtype);
        Assert.Equal(type, low.grad!.dtype);
        Assert.True(Math.Abs(Value(value) - reference) <= tolerance * Math.Abs(reference), $"{Value(value)} vs {reference}");
        Assert.True(low.grad.isfinite().all().item<bool>());
    }

    [Fact]
    public void One_and_three_spatial_dimensions_work()
    {
        using var scope = NewDisposeScope();
        using var loss = new DiceCE();
        foreach (var shape in new[] { new long[] { 2, 9 }, new long[] { 2, 3, 4, 5 } })
        {
            var (logits, labels) = Batch(shape);
            var (value, gradient) = LossHarness.ValueAndGradient(x => loss.call(x, labels), logits);
            Assert.True(double.IsFinite(value) && value > 0);
            Assert.Equal(logits.NumberOfElements, gradient.Length);
        }
    }

    [Fact]
    public void Breakdown_reports_each_term_and_sums_to_the_loss()
    {
        using var scope = NewDisposeScope();
        using var loss = new DiceCE(dice_weight: 0.7, ce_weight: 1.3);
        var (logits, labels) = Batch(new long[] { 2, 6, 6 });
        var breakdown = loss.breakdown(logits, labels);

        Assert.Equal(Value(loss.call(logits, labels)), breakdown.Total, 14);
        Assert.Equal(new[] { "dice", "ce" }, breakdown.Terms.Select(t => t.Name));
        Assert.Equal(breakdown.Total, breakdown.Terms.Sum(t => t.Weight * t.Value), 14);
        var dice = breakdown.Terms[0];
        Assert.Equal(new[] { 1, 2 }, dice.PerClass!.Keys);
        Assert.Equal(dice.Value, dice.PerClass.Values.Average(), 14);
        Assert.Null(breakdown.Terms[1].PerClass);
        Assert.StartsWith("total=", breakdown.ToString());
    }

    [Fact]
    public void Constructor_arguments_override_the_declared_values()
    {
        using var scope = NewDisposeScope();
        var (logits, labels) = Batch(new long[] { 2, 6, 6 });
        using var declared = new SoftmaxDice();
        using var overridden = new BatchDiceWithoutBackground(include_background: true, batch_statistics: false);
        Assert.Equal(Value(declared.call(logits, labels)), Value(overridden.call(logits, labels)), 15);

        using var withoutBackground = new SoftmaxDice(include_background: false, batch_statistics: true);
        using var declaredWithout = new BatchDiceWithoutBackground();
        Assert.Equal(Value(declaredWithout.call(logits, labels)), Value(withoutBackground.call(logits, labels)), 15);

        using var smoothed = new SquaredDice(smooth_nr: 1e-5, smooth_dr: 1e-5);
        Assert.Equal(1e-5, smoothed.smooth_nr);
        Assert.Equal(2.0, new SoftmaxFocal(gamma: 2.0).gamma);
    }

    [Fact]
    public void Dice_matches_an_independent_one_hot_computation()
    {
        using var scope = NewDisposeScope();
        using var loss = new SoftmaxDice();
        var (logits, labels) = Batch(new long[] { 2, 5, 7 });
        var p = logits.softmax(1);
        var y = LossHarness.OneHot(labels, 3);
        var tp = (p * y).sum(new long[] { 2, 3 });
        var expected = (1 - (2 * tp + 1e-5) / (p.sum(new long[] { 2, 3 }) + y.sum(new long[] { 2, 3 }) + 1e-5)).mean();
        Assert.Equal(Value(expected), Value(loss.call(logits, labels)), 15);
    }
}
