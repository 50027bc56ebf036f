using System;

namespace SegLoss;

/// <summary>
/// Cross-entropy as <c>torch.nn.CrossEntropyLoss</c>: <c>Σx -Σc w·((1-ε)·y + ε/C)·logp / Σx wt</c>, one weighted mean over
/// every valid pixel of the batch, with label smoothing <c>ε</c>. Needs a softmax (or probability) input.
/// Always runs over every class: <see cref="SegLossAttribute.IncludeBackground"/> does not apply.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class CrossEntropyAttribute : LossTermAttribute
{
    /// <summary>Label smoothing <c>ε</c> in [0, 1]; default 0.</summary>
    public double LabelSmoothing { get; set; }
}
