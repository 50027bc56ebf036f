using System;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace SegLoss.Tests.Infrastructure;

/// <summary>Inputs, targets and gradient checks for loss tests, in float64 unless said otherwise.</summary>
public static class LossHarness
{
    /// <summary>Logits N(0, 1.5) with +1.5 on the true class, like the golden files.</summary>
    public static Tensor Logits(Tensor labels, int classes, int seed, ScalarType type = ScalarType.Float64)
    {
        var generator = new torch.Generator((ulong)seed);
        var shape = new[] { labels.shape[0], (long)classes }.Concat(labels.shape.Skip(1)).ToArray();
        var noise = randn(shape, ScalarType.Float64, generator: generator) * 1.5;
        var boost = torch.nn.functional.one_hot(labels, classes).movedim(new long[] { labels.dim() }, new long[] { 1 }).to_type(ScalarType.Float64) * 1.5;
        return (noise + boost).to_type(type);
    }

    /// <summary>Blobby class indices [N, *spatial]: a few discs of classes 1..C-1 on background.</summary>
    public static Tensor Labels(long[] shape, int classes, int seed)
    {
        var random = new Random(seed);
        var labels = zeros(shape, ScalarType.Int64);
        var n = shape[0];
        var spatial = shape.Skip(1).ToArray();
        var grid = spatial.Select(s => arange(s, ScalarType.Float64)).ToArray();
        for (var sample = 0; sample < n; sample++)
        {
            for (var blob = 0; blob < 3; blob++)
            {
                var center = spatial.Select(s => random.NextDouble() * s).ToArray();
                var radius = 1.0 + random.NextDouble() * spatial.Min() / 3.0;
                Tensor distance = zeros(spatial, ScalarType.Float64);
                for (var d = 0; d < spatial.Length; d++)
                {
                    var view = Enumerable.Repeat(1L, spatial.Length).ToArray();
                    view[d] = spatial[d];
                    distance = distance + (grid[d] - center[d]).pow(2).view(view);
                }

                var label = 1 + random.Next(classes - 1);
                labels[sample] = where(distance.lt(radius * radius), full(spatial, label, ScalarType.Int64), labels[sample]);
            }
        }

        return labels;
    }

    /// <summary>One-hot [N, C, *spatial] float64 of class indices.</summary>
    public static Tensor OneHot(Tensor labels, int classes) =>
        torch.nn.functional.one_hot(labels, classes).movedim(new long[] { labels.dim() }, new long[] { 1 }).to_type(ScalarType.Float64);

    /// <summary>Value and gradient of <paramref name="loss"/> at <paramref name="input"/> (a fresh leaf).</summary>
    public static (double Value, double[] Gradient) ValueAndGradient(Func<Tensor, Tensor> loss, Tensor input)
    {
        using var scope = NewDisposeScope();
        var leaf = input.detach().clone().requires_grad_(true);
        var value = loss(leaf);
        value.backward();
        return (value.to_type(ScalarType.Float64).item<double>(), leaf.grad!.to_type(ScalarType.Float64).data<double>().ToArray());
    }

    /// <summary>
    /// Checks the autograd gradient against central finite differences in float64 on every input element
    /// (or every <paramref name="stride"/>-th), within <paramref name="tolerance"/> of max(1, |g|)·scale.
    /// </summary>
    public static void CheckGradient(Func<Tensor, Tensor> loss, Tensor input, double tolerance = 1e-7, int stride = 1)
    {
        Assert.Equal(ScalarType.Float64, input.dtype);
        var (_, gradient) = ValueAndGradient(loss, input);
        Assert.Contains(gradient, g => g != 0);
        var flat = input.detach().clone().reshape(-1);
        var scale = Math.Max(1e-3, gradient.Max(Math.Abs));
        const double h = 1e-6;
        for (var i = 0; i < flat.shape[0]; i += stride)
        {
            var original = flat[i].item<double>();
            flat[i] = original + h;
            var plus = Evaluate(loss, flat.view(input.shape));
            flat[i] = original - h;
            var minus = Evaluate(loss, flat.view(input.shape));
            flat[i] = original;
            var numeric = (plus - minus) / (2 * h);
            Assert.True(
                Math.Abs(numeric - gradient[i]) <= tolerance * scale,
                $"element {i}: autograd {gradient[i]:R}, finite difference {numeric:R}");
        }
    }

    private static double Evaluate(Func<Tensor, Tensor> loss, Tensor input)
    {
        using var scope = NewDisposeScope();
        using var noGrad = no_grad();
        return loss(input).item<double>();
    }
}
