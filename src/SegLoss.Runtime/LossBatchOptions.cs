namespace SegLoss.Runtime;

/// <summary>What a generated loss tells <see cref="LossBatch.Create"/> about itself.</summary>
/// <param name="Activation">The declaration's activation (decides nothing here but the messages).</param>
/// <param name="IgnoreIndex">A class-index value whose pixels are left out of every sum, or null.</param>
/// <param name="RequiresSeveralClasses">Some term applies a softmax, which needs at least two channels.</param>
public sealed record LossBatchOptions(Activation Activation, int? IgnoreIndex, bool RequiresSeveralClasses);
