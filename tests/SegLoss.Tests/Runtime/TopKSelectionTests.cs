using System.Linq;
using SegLoss.Runtime.Kernels;
using static TorchSharp.torch;

namespace SegLoss.Tests.Runtime;

/// <summary>The radix selection behind TopK losses against libtorch's topk: values and gradients, ties, signs, every k.</summary>
public sealed class TopKSelectionTests
{
    [Theory]
    [InlineData(ScalarType.Float64, 1)]
    [InlineData(ScalarType.Float64, 37)]
    [InlineData(ScalarType.Float64, 1000)]
    [InlineData(ScalarType.Float32, 250)]
    public void Mean_and_gradient_equal_libtorch_topk_on_distinct_values(ScalarType type, long k)
    {
        using var scope = NewDisposeScope();
        var values = (randn(new long[] { 3, 1000 }, ScalarType.Float64, generator: new TorchSharp.torch.Generator(5)) * 10).to_type(type);

        var (mean, gradient) = MeanAndGradient(x => TopKSelection.Mean(x, k), values);
        var (expected, expectedGradient) = MeanAndGradient(x => x.topk((int)k, dim: 1).values.mean(new long[] { 1 }, keepdim: true), values);

        var tolerance = type == ScalarType.Float32 ? 1e-6 : 1e-13;
        var error = mean.sub(expected).abs().max().to_type(ScalarType.Float64).item<double>();
        Assert.True(error <= tolerance * expected.abs().max().to_type(ScalarType.Float64).item<double>(), $"mean off by {error}");
        Assert.True(gradient.equal(expectedGradient).all().item<bool>());
    }

    [Fact]
    public void Ties_at_the_threshold_give_the_same_mean_and_the_first_of_them_the_gradient()
    {
        using var scope = NewDisposeScope();
        // The 4 largest are 9 and three of the four 5s: the mean is 6, and the first three 5s share the gradient.
        var values = tensor(new double[] { 5, -1, 9, 5, 0, 5, -7, 5 }, new long[] { 1, 8 });

        var (mean, gradient) = MeanAndGradient(x => TopKSelection.Mean(x, 4), values);

        Assert.Equal(6.0, mean.item<double>());
        Assert.Equal(new[] { 0.25, 0, 0.25, 0.25, 0, 0.25, 0, 0 }, gradient.data<double>().ToArray());
    }

    [Fact]
    public void Values_crowded_into_one_bucket_of_the_top_bits_are_still_selected_exactly()
    {
        using var scope = NewDisposeScope();
        // 4000 values in [1, 1 + 2^-20): one bucket of the top 16 bits of a float64 holds them all.
        var values = (1 + rand(new long[] { 1, 4000 }, ScalarType.Float64, generator: new TorchSharp.torch.Generator(7)) * 1e-6).contiguous();

        var (mean, _) = MeanAndGradient(x => TopKSelection.Mean(x, 123), values);
        var expected = values.topk(123, dim: 1).values.mean().item<double>();

        Assert.Equal(expected, mean.item<double>(), 14);
    }

    private static (Tensor Mean, Tensor Gradient) MeanAndGradient(System.Func<Tensor, Tensor> mean, Tensor values)
    {
        var leaf = values.detach().clone().requires_grad_(true);
        var result = mean(leaf);
        result.sum().backward();
        return (result.detach(), leaf.grad!.detach());
    }
}
