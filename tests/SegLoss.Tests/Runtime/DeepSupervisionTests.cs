using System.Linq;
using SegLoss.Runtime;
using SegLoss.Tests.Declarations;
using SegLoss.Tests.Infrastructure;
using static TorchSharp.torch;

namespace SegLoss.Tests.Runtime;

/// <summary>The deep-supervision wrapper: weights, target pyramid, pass-through of a single output.</summary>
public sealed class DeepSupervisionTests
{
    private static double Value(Tensor t) => t.item<double>();

    /// <summary>Every second pixel: what nearest-neighbour downsampling by 2 keeps.</summary>
    private static Tensor Every2(Tensor labels) =>
        labels[TensorIndex.Colon, TensorIndex.Slice(null, null, 2), TensorIndex.Slice(null, null, 2)].contiguous();

    [Fact]
    public void Weights_halve_per_level_and_sum_to_one()
    {
        using var loss = new DeepSupervisionLoss(new SoftmaxDice());
        var weights = loss.Weights(3);
        Assert.Equal(1.0, weights.Sum(), 15);
        Assert.Equal(new[] { 4 / 7.0, 2 / 7.0, 1 / 7.0 }, weights);
        using var given = new DeepSupervisionLoss(new SoftmaxDice(), new[] { 2.0, 2.0 });
        Assert.Equal(new[] { 0.5, 0.5 }, given.Weights(2));
    }

    [Fact]
    public void A_single_output_is_the_inner_loss()
    {
        using var scope = NewDisposeScope();
        using var inner = new DiceCE();
        using var loss = new DeepSupervisionLoss(inner);
        var labels = LossHarness.Labels(new long[] { 2, 8, 8 }, 3, seed: 1);
        var logits = LossHarness.Logits(labels, 3, seed: 2);
        Assert.Equal(Value(inner.call(logits, labels)), Value(loss.call(new[] { logits }, labels)), 15);
    }

    [Fact]
    public void Lower_outputs_see_the_target_at_their_resolution()
    {
        using var scope = NewDisposeScope();
        using var inner = new SoftmaxDice();
        var labels = LossHarness.Labels(new long[] { 2, 8, 8 }, 3, seed: 3);
        var high = LossHarness.Logits(labels, 3, seed: 4);
        var low = LossHarness.Logits(Every2(labels), 3, seed: 5);

        using var nearest = new DeepSupervisionLoss(inner);
        var expected = 2 / 3.0 * Value(inner.call(high, labels)) + 1 / 3.0 * Value(inner.call(low, Every2(labels)));
        Assert.Equal(expected, Value(nearest.call(new[] { high, low }, labels)), 14);

        using var pooled = new DeepSupervisionLoss(inner, downsampling: TargetDownsampling.MaxPoolOneHot);
        var oneHot = LossHarness.OneHot(labels, 3);
        var multiHot = nn.functional.max_pool2d(oneHot, new long[] { 2, 2 });
        var expectedPooled = 2 / 3.0 * Value(inner.call(high, labels)) + 1 / 3.0 * Value(inner.call(low, multiHot));
        Assert.Equal(expectedPooled, Value(pooled.call(new[] { high, low }, labels)), 14);
    }

    [Fact]
    public void Outputs_must_go_from_high_to_low_resolution()
    {
        using var loss = new DeepSupervisionLoss(new SoftmaxDice());
        var labels = zeros(new long[] { 1, 8, 8 }, ScalarType.Int64);
        var error = Assert.Throws<System.ArgumentException>(() => loss.call(new[] { zeros(1, 3, 4, 4), zeros(1, 3, 8, 8) }, labels));
        Assert.Equal("outputs", error.ParamName);
    }
}
