namespace SegLoss;

/// <summary>How the per-sample losses of a batch become the returned tensor.</summary>
public enum Reduction
{
    /// <summary>A scalar: the mean over the batch (batch-pooled terms give their batch value).</summary>
    Mean = 0,

    /// <summary>A scalar: <c>N</c> times <see cref="Mean"/>, so that <c>Sum == N * Mean</c> for every term.</summary>
    Sum = 1,

    /// <summary>
    /// A tensor of shape <c>[N]</c>: every sample evaluated as if it were its own batch
    /// (batch statistics do not apply).
    /// </summary>
    None = 2,
}
