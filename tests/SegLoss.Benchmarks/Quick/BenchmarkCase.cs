using System;

namespace SegLoss.Benchmarks.Quick;

/// <summary>
/// A quick-mode case. A RATIO case times a loss forward+backward against UNIT (a softmax forward+backward on the same
/// logits, measured in the same process right before it) and against its naive composition; a TIME case times a kernel.
/// </summary>
public abstract class BenchmarkCase : IDisposable
{
    /// <summary>The case name printed as <c>case=...</c>; the quick-mode filter matches it as a substring.</summary>
    public abstract string Name { get; }

    /// <summary>Prepares inputs (not timed).</summary>
    public virtual void Setup()
    {
    }

    /// <summary>One timed run: everything it allocates must be released when it returns.</summary>
    public abstract void Run();

    public virtual void Dispose() => GC.SuppressFinalize(this);
}

/// <summary>A loss case: <see cref="BenchmarkCase.Run"/> is the SegLoss loss, <see cref="RunNaive"/> the naive composition.</summary>
public abstract class RatioCase : BenchmarkCase
{
    /// <summary>The logits the loss and UNIT run on.</summary>
    public abstract TorchSharp.torch.Tensor Logits { get; }

    /// <summary>The same loss as separate modules, each with its own activation and one-hot (as MONAI composes it).</summary>
    public abstract void RunNaive();

    /// <summary>Warm-up runs of <see cref="RunNaive"/> before it is timed; fewer for naive compositions that take seconds.</summary>
    public virtual int NaiveWarmUps => Measure.WarmUps;
}

/// <summary>A kernel case without a loss: prints <c>TIME case=... ms=...</c>.</summary>
public abstract class TimeCase : BenchmarkCase
{
}
