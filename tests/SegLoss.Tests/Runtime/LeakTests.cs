using System;
using System.Diagnostics;
using SegLoss.Runtime.Kernels.Statistics;
using SegLoss.Tests.Declarations;
using TorchSharp;
using Xunit;
using static TorchSharp.torch;

namespace SegLoss.Tests.Runtime;

/// <summary>
/// Training steps of a compound loss leave nothing behind: the live-tensor count and the resident memory stay flat over
/// 10,000 forward+backward steps (each step in its own dispose scope, as a training loop runs it). Resident memory is
/// the process's, so this runs alone, after the tests that run in parallel.
/// </summary>
[Collection(nameof(LeakTests))]
public sealed class LeakTests
{
    [Fact]
    public void Ten_thousand_steps_keep_the_live_tensor_count_and_memory_flat()
    {
        using var loss = new DiceCE();
        using var logits = randn(new long[] { 2, 3, 16, 16 }, generator: new TorchSharp.torch.Generator(5));
        using var labels = randint(0, 3, new long[] { 2, 16, 16 }, generator: new TorchSharp.torch.Generator(6));
        labels[0, 0, 0] = tensor(255L); // an ignored pixel: the valid mask is kept for the backward too

        void Step()
        {
            using var scope = NewDisposeScope();
            var leaf = logits.detach().requires_grad_(true);
            loss.call(leaf.view(leaf.shape), labels).backward();
            using var gradient = leaf.grad;
            Assert.True(gradient is not null && gradient.isfinite().all().item<bool>());
        }

        void Steps(int count)
        {
            for (var i = 0; i < count; i++)
            {
                Step();
            }
        }

        Steps(500); // warm-up: JIT, the allocator's pools
        var (tensors, bytes) = LiveTensorsAndResidentBytes();
        Steps(4_750);
        using (StatisticsKernel.TensorPathOnly())
        {
            Steps(4_750); // the tensor path too
        }

        var (tensorsAfter, bytesAfter) = LiveTensorsAndResidentBytes();
        Assert.Equal(tensors, tensorsAfter);

        // Any per-step leak would show: a step allocates tens of KiB of tensors (logits-sized buffers of 6 KiB and many
        // small ones), so 9,500 leaking steps would hold well over 16 MiB. The allowance covers allocator and GC jitter.
        Assert.True(bytesAfter - bytes < 16L << 20, $"resident memory grew by {(bytesAfter - bytes) >> 10} KiB over 9,500 steps");
    }

    private static (long Tensors, long ResidentBytes) LiveTensorsAndResidentBytes()
    {
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();
        using var process = Process.GetCurrentProcess();
        return (DisposeScopeManager.Statistics.TensorStatistics.ThreadTotalLiveCount, process.WorkingSet64);
    }
}

/// <summary>The leak test's collection: not run in parallel with any other test.</summary>
[CollectionDefinition(nameof(LeakTests), DisableParallelization = true)]
public sealed class LeakTestsCollection
{
}
