using System.Linq;
using SegLoss;
using SegLoss.Benchmarks.Quick;
using static TorchSharp.torch;

namespace SegLoss.Benchmarks.Cases;

/// <summary>The benchmarked declarations.</summary>
[SegLoss(Activation.Softmax)]
[Dice]
[CrossEntropy]
public partial class BenchDiceCE { }

/// <summary>Loss cases on float32 logits with about 90% background.</summary>
public static class LossCases
{
    /// <summary>Class indices with about 90% background and the rest spread over the other classes (fixed seed).</summary>
    public static Tensor Labels(long[] shape, int classes, ulong seed)
    {
        var generator = new TorchSharp.torch.Generator(seed);
        var foreground = rand(shape, generator: generator).lt(0.1);
        var labels = randint(1, classes, shape, generator: generator, dtype: ScalarType.Int64);
        return where(foreground, labels, zeros_like(labels));
    }

    public abstract class DiceCrossEntropy : RatioCase
    {
        private readonly long[] _shape;
        private Tensor? _logits;
        private Tensor? _labels;
        private BenchDiceCE? _loss;

        protected DiceCrossEntropy(long[] shape) => _shape = shape;

        public override Tensor Logits => _logits!;

        public override void Setup()
        {
            _labels = Labels(new[] { _shape[0] }.Concat(_shape.Skip(2)).ToArray(), (int)_shape[1], 7).DetachFromDisposeScope();
            _logits = randn(_shape, generator: new TorchSharp.torch.Generator(8)).DetachFromDisposeScope();
            _loss = new BenchDiceCE();
        }

        public override void Run()
        {
            using var scope = NewDisposeScope();
            var leaf = _logits!.detach().requires_grad_(true);
            _loss!.call(leaf.view(leaf.shape), _labels!).backward();
        }

        public override void RunNaive()
        {
            using var scope = NewDisposeScope();
            var leaf = _logits!.detach().requires_grad_(true);
            var z = leaf.view(leaf.shape);
            NaiveLosses.Dice(z, _labels!).add(NaiveLosses.CrossEntropy(z, _labels!)).backward();
        }

        public override void Dispose()
        {
            _loss?.Dispose();
            _logits?.Dispose();
            _labels?.Dispose();
            base.Dispose();
        }
    }

    public sealed class DiceCrossEntropy2D : DiceCrossEntropy
    {
        public DiceCrossEntropy2D()
            : base(new long[] { 8, 4, 256, 256 })
        {
        }

        public override string Name => "dice_ce_2d";
    }

    public sealed class DiceCrossEntropy3D : DiceCrossEntropy
    {
        public DiceCrossEntropy3D()
            : base(new long[] { 2, 4, 128, 128, 64 })
        {
        }

        public override string Name => "dice_ce_3d";
    }
}
