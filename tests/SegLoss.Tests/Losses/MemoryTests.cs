using SegLoss.Tests.Declarations;
using SegLoss.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace SegLoss.Tests.Losses;

/// <summary>Every forward runs in a dispose scope: a training loop's step leaves no tensor behind.</summary>
public sealed class MemoryTests
{
    [Fact]
    public void Repeated_steps_leave_no_live_tensors()
    {
        using var loss = new DiceSigmoidFocal();
        var labels = LossHarness.Labels(new long[] { 2, 8, 8 }, 3, seed: 1);
        var logits = LossHarness.Logits(labels, 3, seed: 2).requires_grad_(true);
        void Step()
        {
            using var scope = NewDisposeScope();
            loss.call(logits, labels).backward();
            logits.grad!.zero_();
        }

        Step();
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        for (var i = 0; i < 200; i++)
        {
            Step();
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }

    [Fact]
    public void The_returned_loss_outlives_the_call_and_nothing_else_does()
    {
        using var loss = new DiceCE();
        var labels = LossHarness.Labels(new long[] { 2, 8, 8 }, 3, seed: 3);
        var logits = LossHarness.Logits(labels, 3, seed: 4);
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (var value = loss.call(logits, labels))
        {
            Assert.Equal(before + 1, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
    }
}
