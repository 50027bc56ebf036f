using System;
using System.Linq;
using SegLoss.Runtime.Kernels.Statistics;
using SegLoss.Tests.Declarations;
using SegLoss.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace SegLoss.Tests.Losses;

/// <summary>
/// The generated CPU kernel against the tensor path on inputs of several chunks (the last one partial), in float64 to
/// 1e-10 and in float32 to float32 rounding; which batches take it.
/// </summary>
public sealed class CpuKernelTests
{
    private static (double Value, double[] Gradient) Run(Loss<Tensor, Tensor, Tensor> loss, Tensor logits, Tensor target) =>
        LossHarness.ValueAndGradient(x => loss.call(x, target), logits);

    private static (double Value, double[] Gradient) RunTensorPath(Loss<Tensor, Tensor, Tensor> loss, Tensor logits, Tensor target)
    {
        using var tensorPath = StatisticsKernel.TensorPathOnly();
        return Run(loss, logits, target);
    }

    public static TheoryData<string> Losses() => new()
    {
        nameof(DiceCE), nameof(SoftmaxFocalGammaHalf), nameof(SigmoidFocal), nameof(GeneralizedDiceSquare), nameof(KitchenSink),
        nameof(BinaryCrossEntropies), nameof(LogCoshAndMcc), nameof(DiceSigmoidFocal), nameof(TopKCrossEntropy), nameof(DiceTopK),
        nameof(DiceTopKIgnoring), nameof(LovaszSoftmaxLosses), nameof(LovaszHingeLoss),
    };

    [Theory]
    [MemberData(nameof(Losses))]
    public void Kernel_equals_the_tensor_path_over_several_chunks_in_float64(string name)
    {
        using var scope = NewDisposeScope();
        using var loss = GradientCheckTests.Create(name);
        var labels = LossHarness.Labels(new long[] { 2, 70, 61 }, 3, seed: 17); // 4270 pixels: 3 chunks per sample
        if (name is nameof(DiceCE) or nameof(DiceTopKIgnoring))
        {
            labels[1, 5, 7] = tensor(255L); // their ignore index
            labels[0, 10, TensorIndex.Slice(0, 30)] = tensor(255L);
        }
        var logits = LossHarness.Logits(labels.clamp_max(2), 3, seed: 18);

        var kernel = Run(loss, logits, labels);
        var tensorPath = RunTensorPath(loss, logits, labels);

        Assert.Equal(tensorPath.Value, kernel.Value, 12);
        AssertGradientsWithin1e10(name, kernel.Gradient, tensorPath.Gradient);
    }

    [Fact]
    public void Kernel_equals_the_tensor_path_with_many_classes_and_a_partial_vector_at_the_end()
    {
        // 70 classes: more than the stack buffers of the per-class sums hold; 3 · 37 = 111 pixels, not a whole number
        // of vectors, so every vector loop also runs its scalar tail.
        using var scope = NewDisposeScope();
        using var loss = new DiceCE();
        var labels = randint(0, 70, new long[] { 2, 3, 37 }, dtype: ScalarType.Int64, generator: new torch.Generator(31));
        var logits = randn(new long[] { 2, 70, 3, 37 }, ScalarType.Float64, generator: new torch.Generator(32));

        var kernel = Run(loss, logits, labels);
        var tensorPath = RunTensorPath(loss, logits, labels);

        Assert.Equal(tensorPath.Value, kernel.Value, 12);
        AssertGradientsWithin1e10(nameof(DiceCE), kernel.Gradient, tensorPath.Gradient);
    }

    [Theory]
    [InlineData(nameof(SoftmaxFocalGammaHalf))]
    [InlineData(nameof(DiceCE))]
    [InlineData(nameof(SoftmaxLogComplement))]
    public void Kernel_equals_the_tensor_path_at_saturated_logits(string name)
    {
        // pt rounds to 1 (right at ±100) or to 0 (wrong): log(1 - pt) comes from the other classes' logsumexp.
        using var scope = NewDisposeScope();
        using var loss = GradientCheckTests.Create(name);
        var labels = LossHarness.Labels(new long[] { 2, 50, 50 }, 3, seed: 21);
        var logits = (LossHarness.OneHot(labels, 3) * 200 - 100).contiguous();
        logits[0, TensorIndex.Colon, 0, TensorIndex.Slice(0, 25)] = tensor(new[] { -100.0, 100.0, -100.0 }).view(3, 1); // wrong and sure

        var kernel = Run(loss, logits, labels);
        var tensorPath = RunTensorPath(loss, logits, labels);

        Assert.True(double.IsFinite(kernel.Value));
        Assert.True(Math.Abs(kernel.Value - tensorPath.Value) <= 1e-12 * Math.Max(1, Math.Abs(tensorPath.Value)), $"{kernel.Value} != {tensorPath.Value}");
        AssertGradientsWithin1e10(name, kernel.Gradient, tensorPath.Gradient);

        // In float32 (and at ±400 in float64) the other classes' p underflow: log(1 - pt) falls back to their logsumexp.
        foreach (var (extreme, type) in new[] { (logits, ScalarType.Float32), (logits * 4, ScalarType.Float64) })
        {
            var input = extreme.to_type(type);
            var (value, gradient) = Run(loss, input, labels);
            var (expectedValue, expectedGradient) = RunTensorPath(loss, input, labels);
            Assert.True(double.IsFinite(value));
            Assert.True(Math.Abs(value - expectedValue) <= 1e-5 * Math.Max(1, Math.Abs(expectedValue)), $"{type}: {value} != {expectedValue}");
            var scale = expectedGradient.Max(Math.Abs);
            Assert.All(Enumerable.Range(0, gradient.Length), i => Assert.True(
                Math.Abs(gradient[i] - expectedGradient[i]) <= 1e-5 * scale, $"{name} {type}: gradient[{i}] {gradient[i]} != {expectedGradient[i]}"));
        }
    }

    /// <summary>Every gradient element within 1e-10 relative to the larger of the tensor path's largest and its own.</summary>
    private static void AssertGradientsWithin1e10(string name, double[] kernel, double[] tensorPath)
    {
        var scale = tensorPath.Max(Math.Abs);
        Assert.All(Enumerable.Range(0, kernel.Length), i => Assert.True(
            Math.Abs(kernel[i] - tensorPath[i]) <= 1e-10 * Math.Max(scale, Math.Abs(tensorPath[i])),
            $"{name}: gradient[{i}] {kernel[i]} != {tensorPath[i]}"));
    }

    [Theory]
    [MemberData(nameof(Losses))]
    public void Kernel_follows_the_tensor_path_in_float32(string name)
    {
        using var scope = NewDisposeScope();
        using var loss = GradientCheckTests.Create(name);
        var labels = LossHarness.Labels(new long[] { 2, 50, 90 }, 3, seed: 19);
        var logits = LossHarness.Logits(labels, 3, seed: 20, ScalarType.Float32);

        var kernel = Run(loss, logits, labels);
        var tensorPath = RunTensorPath(loss, logits, labels);

        Assert.Equal(tensorPath.Value, kernel.Value, 4);
        var scale = tensorPath.Gradient.Max(Math.Abs);
        Assert.All(Enumerable.Range(0, kernel.Gradient.Length), i => Assert.True(
            Math.Abs(kernel.Gradient[i] - tensorPath.Gradient[i]) <= 1e-4 * scale,
            $"{name}: gradient[{i}] {kernel.Gradient[i]} != {tensorPath.Gradient[i]}"));
    }

    [Fact]
    public void Cpu_logits_take_the_kernel_with_class_indices_and_with_dense_targets_when_the_declaration_reads_them()
    {
        using var scope = NewDisposeScope();
        var labels = LossHarness.Labels(new long[] { 1, 4, 5 }, 3, seed: 1);
        var logits = LossHarness.Logits(labels, 3, seed: 2);
        var options = new SegLoss.Runtime.LossBatchOptions(Activation.Softmax, null, RequiresSeveralClasses: true);

        Assert.True(StatisticsKernel.Applies(SegLoss.Runtime.LossBatch.Create(logits, labels, options)));
        Assert.True(StatisticsKernel.Applies(SegLoss.Runtime.LossBatch.Create(logits.to_type(ScalarType.Float32), labels, options)));
        Assert.False(StatisticsKernel.Applies(SegLoss.Runtime.LossBatch.Create(logits, LossHarness.OneHot(labels, 3), options)));
        Assert.True(StatisticsKernel.Applies(SegLoss.Runtime.LossBatch.Create(logits, LossHarness.OneHot(labels, 3), options), denseTargets: true));
        // Half input is computed in float32 (the batch's compute copy), so it takes the float32 kernel.
        Assert.True(StatisticsKernel.Applies(SegLoss.Runtime.LossBatch.Create(logits.to_type(ScalarType.Float16), labels, options)));
        using (StatisticsKernel.TensorPathOnly())
        {
            Assert.False(StatisticsKernel.Applies(SegLoss.Runtime.LossBatch.Create(logits, labels, options)));
        }

        Assert.True(StatisticsKernel.Applies(SegLoss.Runtime.LossBatch.Create(logits, labels, options)));
    }

    [Fact]
    public void Non_contiguous_logits_give_the_same_loss()
    {
        using var scope = NewDisposeScope();
        using var loss = new DiceCE();
        var labels = LossHarness.Labels(new long[] { 2, 9, 7 }, 3, seed: 3);
        var logits = LossHarness.Logits(labels, 3, seed: 4);
        var transposed = logits.transpose(2, 3).contiguous().transpose(2, 3);
        Assert.False(transposed.is_contiguous());

        Assert.Equal(Run(loss, logits, labels).Value, Run(loss, transposed, labels).Value, 14);
    }
}
