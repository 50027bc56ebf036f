using System;
using SegLoss.Runtime.Kernels;
using static TorchSharp.torch;

namespace SegLoss.Tests.Runtime;

/// <summary>
/// The CPU Lovász extension (radix-sorted rows read in place from <c>[N, C, X]</c>) against the libtorch one (argsort
/// and autograd): values and gradients, per sample and pooled, class indices, one-hot and soft targets, ignored pixels,
/// float32 increments; and a stable order of equal errors.
/// </summary>
public sealed class LovaszExtensionTests
{
    [Theory]
    [InlineData(ScalarType.Float64, false, false, false)]
    [InlineData(ScalarType.Float64, true, false, false)]
    [InlineData(ScalarType.Float64, true, true, false)]
    [InlineData(ScalarType.Float64, false, true, true)]
    [InlineData(ScalarType.Float32, true, false, false)]
    [InlineData(ScalarType.Float32, false, true, true)]
    public void Class_indices_give_libtorchs_value_and_gradient(ScalarType type, bool pooled, bool ignored, bool singleIncrements)
    {
        using var scope = NewDisposeScope();
        var (errors, labels) = Batch(type);
        var valid = ignored ? (rand(new long[] { 3, 1, 300 }, generator: new TorchSharp.torch.Generator(9)) > 0.2).to_type(type) : null;

        AssertSameAsLibTorch(errors, labels, valid, pooled, singleIncrements);
    }

    [Theory]
    [InlineData(ScalarType.Float64, true)]
    [InlineData(ScalarType.Float64, false)]
    [InlineData(ScalarType.Float32, true)]
    public void Dense_one_hot_and_soft_targets_give_libtorchs_value_and_gradient(ScalarType type, bool pooled)
    {
        using var scope = NewDisposeScope();
        var (errors, labels) = Batch(type);
        var oneHot = nn.functional.one_hot(labels.squeeze(1), 4).permute(0, 2, 1).to_type(type).contiguous();
        var soft = (oneHot * 0.8) + 0.05;

        AssertSameAsLibTorch(errors, oneHot, null, pooled, singleIncrements: false);
        AssertSameAsLibTorch(errors, soft, null, pooled, singleIncrements: false);
    }

    [Fact]
    public void Class_indices_and_their_one_hot_form_give_the_same_value_and_gradient()
    {
        using var scope = NewDisposeScope();
        var (errors, labels) = Batch(ScalarType.Float64);
        var oneHot = nn.functional.one_hot(labels.squeeze(1), 4).permute(0, 2, 1).to_type(ScalarType.Float64).contiguous();

        var (fromLabels, labelsGradient) = ValueAndGradient(e => LovaszExtension.Compute(e, labels, null, pooled: true), errors);
        var (fromOneHot, oneHotGradient) = ValueAndGradient(e => LovaszExtension.Compute(e, oneHot, null, pooled: true), errors);

        Assert.True(fromLabels.equal(fromOneHot).all().item<bool>());
        Assert.True(labelsGradient.equal(oneHotGradient).all().item<bool>());
    }

    [Fact]
    public void Equal_errors_keep_their_pixel_order()
    {
        using var scope = NewDisposeScope();
        // Pixels 0 and 1 tie. In pixel order, pixel 0 (the class) comes first and takes the whole increment 1;
        // the other order would split it 0.5 / 0.5.
        var errors = tensor(new[] { 0.5, 0.5, 0.2 }, new long[] { 1, 1, 3 });
        var truth = tensor(new[] { 1.0, 0, 0 }, new long[] { 1, 1, 3 });

        var (value, gradient) = ValueAndGradient(e => LovaszExtension.Compute(e, truth, null, pooled: false), errors);

        Assert.Equal(0.5, value.item<double>());
        Assert.Equal(new[] { 1.0, 0, 0 }, gradient.data<double>().ToArray());
    }

    [Fact]
    public void A_sample_without_valid_pixels_gives_zero_loss_and_gradient_as_libtorch()
    {
        using var scope = NewDisposeScope();
        var (errors, labels) = Batch(ScalarType.Float64);
        var valid = ones(new long[] { 3, 1, 300 }, ScalarType.Float64);
        valid[1] = zeros(new long[] { 1, 300 }, ScalarType.Float64);

        var (value, gradient) = ValueAndGradient(e => LovaszExtension.Compute(e, labels, valid, pooled: false), errors);

        Assert.True(value[1].eq(0).all().item<bool>());
        Assert.True(gradient[1].eq(0).all().item<bool>());
        AssertSameAsLibTorch(errors, labels, valid, pooled: false, singleIncrements: false);
    }

    [Theory]
    [InlineData(1L, 1L << 30, false, true)]
    [InlineData(1L, (1L << 30) + 1, false, false)]
    [InlineData(2L, 1L << 30, true, false)]
    [InlineData(4L, 1L << 28, true, true)]
    [InlineData(8L, 1L << 28, true, false)]
    [InlineData(16L, 1L << 28, false, true)]
    public void Rows_whose_places_do_not_fit_31_bits_take_libtorchs_sort(long samples, long pixels, bool pooled, bool fits) =>
        Assert.Equal(fits, LovaszLayout.Fits(samples, 2, pixels, pooled));

    [Fact]
    public void Class_indices_of_another_integer_type_are_refused_by_name()
    {
        using var scope = NewDisposeScope();
        var (errors, labels) = Batch(ScalarType.Float32);

        var error = Assert.Throws<ArgumentException>(() => LovaszExtension.Compute(errors, labels.to_type(ScalarType.Int32), null, pooled: true));

        Assert.Equal("truth", error.ParamName);
        Assert.Contains("[N, 1, X] (int64)", error.Message, StringComparison.Ordinal);
    }

    private static void AssertSameAsLibTorch(Tensor errors, Tensor truth, Tensor? valid, bool pooled, bool singleIncrements)
    {
        var (value, gradient) = ValueAndGradient(e => LovaszExtension.Compute(e, truth, valid, pooled, singleIncrements), errors);
        var (expected, expectedGradient) = ValueAndGradient(e => LovaszExtension.WithLibTorch(e, truth, valid, pooled, singleIncrements), errors);

        // libtorch accumulates the increments in the errors' type; the CPU extension in double (float32 increments
        // when asked): float32 results agree to float32's rounding, float64 ones to double's.
        var tolerance = errors.dtype == ScalarType.Float32 || singleIncrements ? 2e-6 : 1e-13;
        Assert.Equal(expected.shape, value.shape);
        AssertClose(expected, value, tolerance);
        AssertClose(expectedGradient, gradient, tolerance);
    }

    private static void AssertClose(Tensor expected, Tensor actual, double tolerance)
    {
        var error = actual.to_type(ScalarType.Float64).sub(expected.to_type(ScalarType.Float64)).abs().max().item<double>();
        var scale = Math.Max(1, expected.abs().max().to_type(ScalarType.Float64).item<double>());
        Assert.True(error <= tolerance * scale, $"off by {error} (scale {scale})");
    }

    /// <summary>Distinct errors in (0, 1) for 3 samples, 4 classes, 300 pixels, and class indices with every class present.</summary>
    private static (Tensor Errors, Tensor Labels) Batch(ScalarType type)
    {
        var errors = rand(new long[] { 3, 4, 300 }, ScalarType.Float64, generator: new TorchSharp.torch.Generator(7)).to_type(type);
        var labels = randint(0, 4, new long[] { 3, 1, 300 }, generator: new TorchSharp.torch.Generator(8));
        return (errors, labels);
    }

    private static (Tensor Value, Tensor Gradient) ValueAndGradient(Func<Tensor, Tensor> extension, Tensor errors)
    {
        var leaf = errors.detach().clone().requires_grad_(true);
        var value = extension(leaf);
        (value * arange(1, value.numel() + 1, value.dtype).view(value.shape)).sum().backward();
        return (value.detach(), leaf.grad!.detach());
    }
}
