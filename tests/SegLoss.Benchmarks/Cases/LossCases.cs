using System;
using System.Linq;
using SegLoss;
using SegLoss.Benchmarks.Quick;
using TorchSharp;
using static TorchSharp.torch;

namespace SegLoss.Benchmarks.Cases;

[SegLoss(Activation.Softmax)]
[Dice]
[CrossEntropy]
public partial class BenchDiceCE { }

[SegLoss(Activation.Softmax)]
[Dice]
[Focal(Gamma = 2)]
public partial class BenchDiceFocal { }

[SegLoss(Activation.Softmax)]
[GeneralizedDice]
public partial class BenchGeneralizedDice { }

[SegLoss(Activation.Softmax)]
[Tversky(Alpha = 0.3, Beta = 0.7)]
public partial class BenchTversky { }

[SegLoss(Activation.Softmax)]
[TopK(Percent = 10)]
[Dice]
public partial class BenchTopKDice { }

[SegLoss(Activation.Softmax)]
[LovaszSoftmax]
public partial class BenchLovasz { }

/// <summary>The loss cases: each declaration on [8,4,256,256] and [2,4,128,128,64] float32, about 90% background.</summary>
public static class LossCases
{
    private static readonly long[] Shape2D = { 8, 4, 256, 256 };
    private static readonly long[] Shape3D = { 2, 4, 128, 128, 64 };

    private static readonly (string Name, Func<Loss<Tensor, Tensor, Tensor>> Create, Func<Tensor, Tensor, Tensor> Naive)[] Losses =
    {
        ("dice_ce", () => new BenchDiceCE(), (z, y) => NaiveLosses.Dice(z, y) + NaiveLosses.CrossEntropy(z, y)),
        ("dice_focal", () => new BenchDiceFocal(), (z, y) => NaiveLosses.Dice(z, y) + NaiveLosses.Focal(z, y, 2)),
        ("gdice", () => new BenchGeneralizedDice(), NaiveLosses.GeneralizedDice),
        ("tversky", () => new BenchTversky(), (z, y) => NaiveLosses.Tversky(z, y, 0.3, 0.7)),
        ("topk_dice", () => new BenchTopKDice(), (z, y) => NaiveLosses.TopK(z, y, 10) + NaiveLosses.Dice(z, y)),
        ("lovasz", () => new BenchLovasz(), NaiveLosses.LovaszSoftmax),
    };

    /// <summary>Every loss in 2D and 3D.</summary>
    public static Func<BenchmarkCase>[] All =>
        Losses.SelectMany(loss => new Func<BenchmarkCase>[]
        {
            () => new LossCase(loss.Name + "_2d", Shape2D, loss.Create, loss.Naive, tensorPath: false),
            () => new LossCase(loss.Name + "_2d_tensor", Shape2D, loss.Create, loss.Naive, tensorPath: true),
            () => new LossCase(loss.Name + "_3d", Shape3D, loss.Create, loss.Naive, tensorPath: false),
            () => new LossCase(loss.Name + "_3d_tensor", Shape3D, loss.Create, loss.Naive, tensorPath: true),
        }).ToArray();

    /// <summary>Class indices with about 90% background and the rest spread over the other classes (fixed seed).</summary>
    public static Tensor Labels(long[] shape, int classes, ulong seed)
    {
        var generator = new TorchSharp.torch.Generator(seed);
        var foreground = rand(shape, generator: generator).lt(0.1);
        var labels = randint(1, classes, shape, generator: generator, dtype: ScalarType.Int64);
        return where(foreground, labels, zeros_like(labels));
    }
}

/// <summary>
/// One declared loss, forward and backward, on non-leaf logits (a view of the leaf, as a network's output is) against
/// class indices — by default through the CPU kernel where the declaration has one, or with the tensor path forced
/// (<c>_tensor</c> cases); the naive composition on the same inputs.
/// </summary>
public sealed class LossCase : RatioCase
{
    private readonly long[] _shape;
    private readonly Func<Loss<Tensor, Tensor, Tensor>> _create;
    private readonly Func<Tensor, Tensor, Tensor> _naive;
    private readonly bool _tensorPath;
    private Tensor? _logits;
    private Tensor? _labels;
    private Loss<Tensor, Tensor, Tensor>? _loss;

    public LossCase(string name, long[] shape, Func<Loss<Tensor, Tensor, Tensor>> create, Func<Tensor, Tensor, Tensor> naive, bool tensorPath)
    {
        Name = name;
        _tensorPath = tensorPath;
        _shape = shape;
        _create = create;
        _naive = naive;
    }

    public override string Name { get; }

    public override Tensor Logits => _logits!;

    public override void Setup()
    {
        _labels = LossCases.Labels(new[] { _shape[0] }.Concat(_shape.Skip(2)).ToArray(), (int)_shape[1], 7).DetachFromDisposeScope();
        _logits = randn(_shape, generator: new TorchSharp.torch.Generator(8)).DetachFromDisposeScope();
        _loss = _create();
    }

    public override void Run()
    {
        using var tensorPath = _tensorPath ? SegLoss.Runtime.Kernels.Statistics.StatisticsKernel.TensorPathOnly() : null;
        using var scope = NewDisposeScope();
        var leaf = _logits!.detach().requires_grad_(true);
        _loss!.call(leaf.view(leaf.shape), _labels!).backward();
    }

    public override void RunNaive()
    {
        using var scope = NewDisposeScope();
        var leaf = _logits!.detach().requires_grad_(true);
        _naive(leaf.view(leaf.shape), _labels!).backward();
    }

    public override void Dispose()
    {
        _loss?.Dispose();
        _logits?.Dispose();
        _labels?.Dispose();
        base.Dispose();
    }
}
