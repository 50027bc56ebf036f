using System;
using System.Linq;
using SegLoss.Runtime.Components;
using SegLoss.Tests.Declarations;
using SegLoss.Tests.Infrastructure;
using static TorchSharp.torch;

namespace SegLoss.Tests.Losses;

/// <summary>Blob loss against a direct loop over instances, finite differences, and its edge cases.</summary>
public sealed class BlobTests
{
    private static double Value(Tensor t) => t.to_type(ScalarType.Float64).item<double>();

    /// <summary>Binary targets with several blobs per sample (sample 2 has none when <paramref name="emptySample"/>).</summary>
    private static Tensor BinaryTarget(bool emptySample)
    {
        var labels = LossHarness.Labels(new long[] { 3, 9, 9 }, 2, seed: 31);
        var target = labels.gt(0).to_type(ScalarType.Float64).unsqueeze(1);
        if (emptySample)
        {
            target[2] = zeros_like(target[2]);
        }

        return target;
    }

    /// <summary>blob_loss itself with soft Dice: every instance through the whole-image loss, the others masked out.</summary>
    private static Tensor LoopReference(Tensor logits, Tensor target, bool maskLogits, double main, double blob)
    {
        using var dice = new SigmoidDice();
        using var probabilityDice = new ProbabilityDice();
        return LoopReference(logits, target, maskLogits, main * dice.call(logits, target), blob, (p, own) => probabilityDice.call(p, own));
    }

    /// <summary>
    /// blob_loss's loop: <paramref name="whole"/> (the weighted main term) plus <paramref name="blob"/> times the mean
    /// over samples with instances of the mean over their instances of <paramref name="criterion"/> (probabilities with
    /// the other instances masked out, the instance's own mask).
    /// </summary>
    private static Tensor LoopReference(Tensor logits, Tensor target, bool maskLogits, Tensor whole, double blob, Func<Tensor, Tensor, Tensor> criterion)
    {
        var instances = ConnectedComponents.Label(target.squeeze(1), Connectivity.Full).Labels;
        Tensor? blobSum = null;
        var samplesWithInstances = 0;
        for (var n = 0; n < target.shape[0]; n++)
        {
            var count = (int)instances[n].max().item<long>();
            if (count == 0)
            {
                continue;
            }

            samplesWithInstances++;
            Tensor? sampleSum = null;
            for (var k = 1; k <= count; k++)
            {
                var keep = instances[n].eq(0).logical_or(instances[n].eq(k)).unsqueeze(0).unsqueeze(0).to_type(logits.dtype);
                var own = instances[n].eq(k).unsqueeze(0).unsqueeze(0).to_type(logits.dtype);
                var probabilities = maskLogits ? (logits[n..(n + 1)] * keep).sigmoid() : logits[n..(n + 1)].sigmoid() * keep;
                var value = criterion(probabilities, own);
                sampleSum = sampleSum is null ? value : sampleSum + value;
            }

            var sampleMean = sampleSum! / count;
            blobSum = blobSum is null ? sampleMean : blobSum + sampleMean;
        }

        return blobSum is null ? whole : whole + blob * blobSum / samplesWithInstances;
    }

    [Theory]
    [InlineData(false, false)]
    [InlineData(false, true)]
    [InlineData(true, false)]
    [InlineData(true, true)]
    public void Blob_Dice_equals_a_loop_over_instances_in_value_and_gradient(bool maskLogits, bool emptySample)
    {
        using var scope = NewDisposeScope();
        using Loss loss = maskLogits ? new BlobDiceLogitMasking() : new BlobDice();
        var target = BinaryTarget(emptySample);
        var logits = randn(target.shape, ScalarType.Float64, generator: new TorchSharp.torch.Generator(5)) * 2;
        var (value, gradient) = LossHarness.ValueAndGradient(x => loss.call(x, target), logits);
        var (expected, expectedGradient) = LossHarness.ValueAndGradient(
            x => LoopReference(x, target, maskLogits, maskLogits ? 1 : 2, maskLogits ? 3 : 1), logits);

        Assert.Equal(expected, value, 12);
        for (var i = 0; i < gradient.Length; i++)
        {
            Assert.Equal(expectedGradient[i], gradient[i], 12);
        }
    }

    [Fact]
    public void A_term_reading_y_through_a_function_equals_the_loop()
    {
        // Σ p·exp(p·y) is Σ p at y = 0: an instance's statistic starts from the whole target's P, not from the statistic.
        using var scope = NewDisposeScope();
        using var loss = new BlobOfATermReadingYThroughAFunction();
        using var whole = new TermReadingYThroughAFunction();
        using var probabilityTerm = new ProbabilityTermReadingYThroughAFunction();
        var target = BinaryTarget(emptySample: false);
        var logits = randn(target.shape, ScalarType.Float64, generator: new TorchSharp.torch.Generator(7)) * 2;
        Tensor Loop(Tensor x) => LoopReference(x, target, maskLogits: false, 2 * whole.call(x, target), 1, (p, own) => probabilityTerm.call(p, own));

        var (value, gradient) = LossHarness.ValueAndGradient(x => loss.call(x, target), logits);
        var (expected, expectedGradient) = LossHarness.ValueAndGradient(Loop, logits);
        Assert.Equal(expected, value, 12);
        for (var i = 0; i < gradient.Length; i++)
        {
            Assert.Equal(expectedGradient[i], gradient[i], 12);
        }
    }

    [Fact]
    public void Blob_BCE_with_masked_probabilities_equals_the_loop_with_torch_BCE()
    {
        // Masked voxels have probability 0, where log p is -inf; torch's BCELoss (which blob_loss uses) clamps the log
        // at -100, so the loop is finite, and so is the blob term (its coefficient of log p there is 0).
        using var scope = NewDisposeScope();
        using var loss = new BlobBinaryCrossEntropy();
        var target = BinaryTarget(emptySample: true);
        var logits = randn(target.shape, ScalarType.Float64, generator: new TorchSharp.torch.Generator(6)) * 2;
        Tensor Loop(Tensor x) => LoopReference(
            x, target, maskLogits: false, 2 * TorchSharp.torch.nn.functional.binary_cross_entropy_with_logits(x, target), 1,
            (p, own) => TorchSharp.torch.nn.functional.binary_cross_entropy(p, own));

        var (value, gradient) = LossHarness.ValueAndGradient(x => loss.call(x, target), logits);
        var (expected, expectedGradient) = LossHarness.ValueAndGradient(Loop, logits);
        Assert.True(double.IsFinite(value));
        Assert.Equal(expected, value, 12);
        for (var i = 0; i < gradient.Length; i++)
        {
            Assert.Equal(expectedGradient[i], gradient[i], 12);
        }
    }

    [Fact]
    public void A_batch_without_instances_keeps_only_the_main_term()
    {
        using var scope = NewDisposeScope();
        using var blob = new BlobDice();
        using var dice = new SigmoidDice();
        var target = zeros(2, 1, 6, 6, dtype: ScalarType.Float64);
        var logits = randn(2, 1, 6, 6, dtype: ScalarType.Float64);
        Assert.Equal(2 * Value(dice.call(logits, target)), Value(blob.call(logits, target)), 14);
    }

    [Fact]
    public void An_instance_map_can_be_given()
    {
        using var scope = NewDisposeScope();
        using var loss = new BlobDice();
        var target = BinaryTarget(emptySample: false);
        var logits = randn(target.shape, ScalarType.Float64);
        var instances = ConnectedComponents.Label(target.squeeze(1), Connectivity.Full).Labels;
        Assert.Equal(Value(loss.call(logits, target)), Value(loss.forward(logits, target, instances)), 14);

        // One instance of everything: blob Dice is the Dice of the whole foreground.
        var single = target.squeeze(1).to_type(ScalarType.Int64);
        using var dice = new SigmoidDice();
        Assert.Equal(3 * Value(dice.call(logits, target)), Value(loss.forward(logits, target, single)), 12);
    }

    [Theory]
    [InlineData(nameof(BlobDice))]
    [InlineData(nameof(MultiClassBlob))]
    public void Gradient_matches_finite_differences(string name)
    {
        using var scope = NewDisposeScope();
        using Loss loss = name == nameof(BlobDice) ? new BlobDice() : new MultiClassBlob();
        if (name == nameof(BlobDice))
        {
            var target = BinaryTarget(emptySample: true);
            LossHarness.CheckGradient(x => loss.call(x, target), randn(target.shape, ScalarType.Float64, generator: new TorchSharp.torch.Generator(9)));
        }
        else
        {
            var labels = LossHarness.Labels(new long[] { 2, 7, 8 }, 3, seed: 41);
            LossHarness.CheckGradient(x => loss.call(x, labels), LossHarness.Logits(labels, 3, seed: 42));
        }
    }

    [Fact]
    public void Multi_class_blob_is_one_vs_rest_per_class()
    {
        using var scope = NewDisposeScope();
        using var loss = new MultiClassBlob(main_weight: 0, blob_weight: 1);
        var labels = zeros(new long[] { 1, 6, 6 }, ScalarType.Int64);
        labels[0, 0, 0] = tensor(1L);
        labels[0, 5, 5] = tensor(1L);
        labels[0, 2, 2] = tensor(2L);
        var logits = LossHarness.Logits(labels, 3, seed: 3);
        var value = Value(loss.call(logits, labels));
        Assert.True(double.IsFinite(value) && value > 0);
        Assert.Equal(new long[] { 1 }, new MultiClassBlob(reduction: Reduction.None).call(logits, labels).shape);
    }

    /// <summary>
    /// The CPU scan of the instance voxels and the tensor operations kept for other devices give the same layout: the
    /// same values and gradients, bit for bit (float32 and float64; components, instance maps with gaps and with ids
    /// too large for a count table, several classes with an ignore index, one channel of class indices).
    /// </summary>
    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    public void The_cpu_scan_and_tensor_operations_agree(ScalarType type)
    {
        using var scope = NewDisposeScope();
        var target = BinaryTarget(emptySample: true).to_type(type);
        var logits = randn(target.shape, type, generator: new TorchSharp.torch.Generator(12)) * 2;
        var components = ConnectedComponents.Label(target.squeeze(1), Connectivity.Full).Labels;
        var gaps = (components * 7 + components.gt(0).to_type(ScalarType.Int64) * 3).to_type(ScalarType.Int32);
        var large = components * 1_000_000_007L;
        var labels = LossHarness.Labels(new long[] { 2, 7, 8 }, 3, seed: 43);
        var ignored = where(rand(labels.shape, generator: new TorchSharp.torch.Generator(44)).lt(0.2), full_like(labels, 9L), labels);
        var multiLogits = LossHarness.Logits(labels, 3, seed: 45, type);
        var oneChannel = where(rand(new long[] { 3, 9, 9 }, generator: new TorchSharp.torch.Generator(46)).lt(0.5), full_like(components, 9L), zeros_like(components));
        using var blob = new BlobDice();
        using var logitMasking = new BlobDiceLogitMasking(reduction: Reduction.None);
        using var multi = new MultiClassBlob(ignore_index: 9);
        using var oneChannelBlob = new BlobDice(ignore_index: 9);
        var cases = new (System.Func<Tensor, Tensor> Loss, Tensor Input)[]
        {
            (z => blob.call(z, target), logits),
            (z => blob.forward(z, target, gaps), logits),
            (z => blob.forward(z, target, large), logits),
            (z => logitMasking.call(z, target).sum(), logits),
            (z => multi.call(z, ignored), multiLogits),
            (z => multi.forward(z, ignored, gaps.narrow(0, 0, 2).narrow(1, 0, 7).narrow(2, 0, 8)), multiLogits),
            (z => oneChannelBlob.call(z, oneChannel), logits),
        };
        foreach (var (loss, input) in cases)
        {
            var (value, gradient) = LossHarness.ValueAndGradient(loss, input);
            double tensorValue;
            double[] tensorGradient;
            using (SegLoss.Runtime.BlobMembers.TensorOperationsOnly())
            {
                (tensorValue, tensorGradient) = LossHarness.ValueAndGradient(loss, input);
            }

            Assert.Equal(tensorValue, value);
            Assert.Equal(tensorGradient, gradient);
        }
    }

    [Fact]
    public void A_negative_instance_id_is_an_argument_error_on_either_path()
    {
        using var scope = NewDisposeScope();
        using var loss = new BlobDice();
        var target = BinaryTarget(emptySample: false);
        var logits = randn(target.shape, ScalarType.Float64);
        var instances = ConnectedComponents.Label(target.squeeze(1), Connectivity.Full).Labels;
        instances[1, 4, 4] = tensor(-2L);
        Assert.Throws<System.ArgumentException>(() => loss.forward(logits, target, instances));
        Assert.Throws<System.ArgumentException>(() => loss.forward(logits, target, instances.to_type(ScalarType.Int16)));
        using (SegLoss.Runtime.BlobMembers.TensorOperationsOnly())
        {
            Assert.Throws<System.ArgumentException>(() => loss.forward(logits, target, instances));
        }
    }

    private sealed class Loss : System.IDisposable
    {
        private readonly TorchSharp.Loss<Tensor, Tensor, Tensor> _inner;
        private readonly System.Func<Tensor, Tensor, Tensor, Tensor> _withInstances;

        private Loss(TorchSharp.Loss<Tensor, Tensor, Tensor> inner, System.Func<Tensor, Tensor, Tensor, Tensor> withInstances)
        {
            _inner = inner;
            _withInstances = withInstances;
        }

        public static implicit operator Loss(BlobDice loss) => new(loss, loss.forward);

        public static implicit operator Loss(BlobDiceLogitMasking loss) => new(loss, loss.forward);

        public static implicit operator Loss(MultiClassBlob loss) => new(loss, loss.forward);

        public Tensor call(Tensor input, Tensor target) => _inner.call(input, target);

        public Tensor forward(Tensor input, Tensor target, Tensor instances) => _withInstances(input, target, instances);

        public void Dispose() => _inner.Dispose();
    }
}
