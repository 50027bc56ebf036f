using SegLoss.Generator.Helpers;
using SegLoss.Generator.Model;

namespace SegLoss.Generator.Planning;

/// <summary>What the emitter writes for one declaration: the statistics to compute once and each term over them.</summary>
internal sealed record LossPlan(
    TypeLocation Type,
    LossOptions Options,
    EquatableArray<ParameterModel> Parameters,
    EquatableArray<StatisticPlan> Statistics,
    EquatableArray<TermPlan> Terms,
    BackwardPlan? Backward = null,
    string? AutogradReason = null)
{
    /// <summary>The generated file's name: unique and file-safe.</summary>
    public string HintName => Type.FullName.Replace('+', '.') + ".g.cs";
}

internal enum StatisticKind
{
    /// <summary>A pixel sum per sample: <c>[N, C]</c> per class or <c>[N, 1]</c>; additive, so batch pooling sums it.</summary>
    Sum,

    /// <summary>The per-pixel values <c>[N, 1, X]</c> of a <c>topk</c>, reduced in the term (pooling needs the pixels).</summary>
    TopKValues,

    /// <summary>The per-class errors <c>[N, C, X]</c> of a <c>lovasz</c>, sorted in the term (pooling needs the pixels).</summary>
    LovaszErrors,
}

/// <summary>
/// One statistic, with how to compute it for each target format.
/// Class-index targets (y one-hot, never materialized): per class,
/// <c>Σx f(p, y) = Σx f(p, 0) + Σ over pixels of class c of [f(pt, 1) - f(pt, 0)]</c>, i.e.
/// <see cref="EveryClass"/> summed over pixels plus <see cref="TrueClass"/> summed by true class;
/// per-pixel values (classless statistics) are <see cref="Pixel"/>. Dense (one-hot, soft, binary) targets evaluate
/// <see cref="Dense"/> directly.
/// </summary>
internal sealed record StatisticPlan(
    string Name,
    StatisticKind Kind,
    bool PerClass,
    string Description,
    Expr? EveryClass,
    Expr? TrueClass,
    Expr? Pixel,
    Expr Dense)
{
    /// <summary>Blob loss: the statistic's pixel value with y = 1 at every class (what an instance's voxels add).</summary>
    public Expr? BlobAtOne { get; init; }

    /// <summary>Blob loss: the pixel value at a masked voxel of another instance (y = 0, p the masked probability).</summary>
    public Expr? BlobMasked { get; init; }

    /// <summary>
    /// Blob loss: the whole image's sum of the pixel value with y = 0, as an expression over statistics of the whole
    /// target (the statistic itself when its pixel value does not read y, null when it is 0 there).
    /// </summary>
    public Expr? BlobWhole { get; init; }
}

/// <summary>A term over statistics. <see cref="Expression"/> is per class when <see cref="PerClass"/>.</summary>
internal sealed record TermPlan(
    string Name,
    string Formula,
    string WeightParameter,
    Expr Expression,
    bool PerClass,
    bool? IncludeBackground,
    bool? BatchStatistics,
    EquatableArray<double>? ClassWeights)
{
    /// <summary>The term averages over the batch itself (<c>meanb</c>): one value per batch.</summary>
    public bool IsBatchLevel => Parsing.Binder.LevelOf(Expression).Level == Parsing.Level.Batch;
}

/// <summary>
/// The closed-form backward of a declaration's statistics: for each target format, the adjoint (dL/d quantity) of every
/// quantity the prediction enters through, as expressions of the statistics' gradients (<see cref="GradientExpr"/>).
/// </summary>
/// <param name="Statistics">The statistics that depend on the prediction: the outputs of the autograd node, in order.</param>
internal sealed record BackwardPlan(
    EquatableArray<string> Statistics,
    EquatableArray<LeafAdjoint> IndexTarget,
    EquatableArray<LeafAdjoint> DenseTarget);

/// <summary>dL/d<paramref name="Leaf"/> at every pixel (and class, for a per-class quantity).</summary>
internal sealed record LeafAdjoint(QuantityExpr Leaf, Expr Adjoint);
