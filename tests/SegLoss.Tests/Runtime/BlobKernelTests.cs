using System;
using SegLoss.Runtime;
using static TorchSharp.torch;

namespace SegLoss.Tests.Runtime;

/// <summary>Blob loss's C# helpers against the libtorch operations they stand in for.</summary>
public sealed class BlobKernelTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(63)]
    [InlineData(64)]
    [InlineData(200_003)]
    public void The_foreground_threshold_equals_libtorch_gt(int length)
    {
        using var scope = NewDisposeScope();
        var values = rand(length, generator: new TorchSharp.torch.Generator((ulong)length));
        values[0] = tensor(0.5f); // not above
        if (length > 2)
        {
            values[1] = tensor(float.NaN);
            values[2] = tensor(0.50000006f); // the next float above 0.5
        }

        var mask = AboveHalf.Of(values);
        Assert.Equal(ScalarType.Byte, mask.dtype);
        Assert.True(mask.to_type(ScalarType.Bool).equal(values.gt(0.5)).all().item<bool>());
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    public void The_instance_sigmoids_equal_libtorch_in_value_and_gradient(ScalarType type)
    {
        using var scope = NewDisposeScope();
        var logits = (randn(new long[] { 1, 2, 40_001 }, type, generator: new TorchSharp.torch.Generator(6)) * 8).contiguous();
        logits[0, 0, 0] = tensor(-200.0).to_type(type); // saturated both ways
        logits[0, 0, 1] = tensor(200.0).to_type(type);
        var outer = randn(logits.shape, type, generator: new TorchSharp.torch.Generator(7));
        var tolerance = type == ScalarType.Float32 ? 1e-6 : 1e-14;
        foreach (var (mine, theirs) in new (Func<Tensor, Tensor>, Func<Tensor, Tensor>)[]
        {
            (InstanceActivation.Sigmoid, x => x.sigmoid()),
            (InstanceActivation.LogSigmoid, x => nn.functional.logsigmoid(x)),
            (InstanceActivation.LogComplement, x => nn.functional.logsigmoid(-x)),
        })
        {
            var (value, gradient) = ValueAndGradient(mine, logits, outer);
            var (expected, expectedGradient) = ValueAndGradient(theirs, logits, outer);
            Assert.True(value.allclose(expected, rtol: tolerance, atol: tolerance), "value");
            Assert.True(gradient.allclose(expectedGradient, rtol: tolerance, atol: tolerance), "gradient");
        }
    }

    private static (Tensor Value, Tensor Gradient) ValueAndGradient(Func<Tensor, Tensor> f, Tensor logits, Tensor outer)
    {
        var leaf = logits.detach().requires_grad_(true);
        var value = f(leaf);
        (value * outer).sum().backward();
        return (value.detach(), leaf.grad!.detach());
    }

    [Theory]
    [InlineData(ScalarType.Float32)]
    [InlineData(ScalarType.Float64)]
    public void Picked_values_are_read_and_their_gradient_added_as_index_select_and_index_add_do(ScalarType type)
    {
        using var scope = NewDisposeScope();
        var source = randn(new long[] { 3, 4, 50_000 }, type, generator: new TorchSharp.torch.Generator(3));
        var picks = randperm(source.numel(), generator: new TorchSharp.torch.Generator(4)).narrow(0, 0, 70_001).view(1, 1, -1);
        Assert.True(PickedValues.Gather(source, picks).equal(source.reshape(-1).index_select(0, picks.view(-1)).view(picks.shape)).all().item<bool>());

        var values = randn(picks.shape, type, generator: new TorchSharp.torch.Generator(5));
        var expected = source.clone();
        expected.view(-1).index_add_(0, picks.view(-1), values.view(-1), 1);
        var actual = source.clone();
        PickedValues.AddAt(actual, picks, values);
        Assert.True(actual.equal(expected).all().item<bool>());
    }
}
