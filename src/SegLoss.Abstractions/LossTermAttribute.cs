using System;

namespace SegLoss;

/// <summary>
/// What every term attribute shares: its weight in the sum of terms, its name in the breakdown and in constructor
/// argument names, and per-term overrides of the declaration's options. An override left unset inherits the value
/// of <see cref="SegLossAttribute"/>.
/// </summary>
public abstract class LossTermAttribute : Attribute
{
    /// <summary>The term's weight in the loss (a constructor argument <c>{name}_weight</c>). Default 1.</summary>
    public double Weight { get; set; } = 1.0;

    /// <summary>The term's name in the breakdown and in constructor arguments; default: the catalog name.</summary>
    public string? Name { get; set; }

    /// <summary>Overrides <see cref="SegLossAttribute.IncludeBackground"/> for this term.</summary>
    public bool IncludeBackground { get; set; }

    /// <summary>Overrides <see cref="SegLossAttribute.BatchStatistics"/> (or the catalog's default) for this term.</summary>
    public bool BatchStatistics { get; set; }

    /// <summary>Overrides <see cref="SegLossAttribute.ClassWeights"/> for this term.</summary>
    public double[]? ClassWeights { get; set; }

    /// <summary>
    /// Overrides the activation for this term only, applied to the same raw input (MONAI's DiceFocalLoss uses a
    /// sigmoid focal term next to a softmax Dice). Needs a declaration whose input is logits.
    /// </summary>
    public Activation Activation { get; set; }
}
