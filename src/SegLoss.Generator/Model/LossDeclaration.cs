using SegLoss.Generator.Helpers;

namespace SegLoss.Generator.Model;

/// <summary>
/// Everything the generator read from one <c>[SegLoss]</c> class: equatable, no symbols or syntax, so an edit that
/// does not change the declaration stops the incremental pipeline here.
/// </summary>
internal sealed record LossDeclaration(
    TypeLocation Type,
    LossOptions Options,
    EquatableArray<ParameterModel> Parameters,
    EquatableArray<TermModel> Terms);

/// <summary>Where the partial class lives: namespace, containing types (outermost first) and its name.</summary>
internal sealed record TypeLocation(string Namespace, EquatableArray<string> ContainingTypes, string Name)
{
    public string FullName => (Namespace.Length > 0 ? Namespace + "." : "") +
        (ContainingTypes.Count > 0 ? string.Join(".", ContainingTypes) + "." : "") + Name;
}

/// <summary>The options of <c>[SegLoss]</c>; each becomes a constructor argument with this default.</summary>
internal sealed record LossOptions(
    Activation Activation,
    bool IncludeBackground,
    bool BatchStatistics,
    int? IgnoreIndex,
    int Reduction,
    EquatableArray<double>? ClassWeights,
    BlobOptions? Blob = null,
    int DistanceField = 0,
    EquatableArray<double>? Spacing = null,
    bool ForceAutograd = false);

/// <summary>The options of <c>[Blob]</c>: the loss becomes main_weight·X + blob_weight·blob(X).</summary>
/// <param name="ConnectivityRank">1 (faces), 2 (edges) or 3 (full) neighbourhoods of instances found in the target.</param>
/// <param name="MaskLogits">Other instances get logit 0 (blob_loss README) rather than probability 0.</param>
internal sealed record BlobOptions(double MainWeight, double BlobWeight, int ConnectivityRank, bool MaskLogits);

/// <summary>How a scalar constructor argument is validated.</summary>
internal enum ParameterRange
{
    Any,
    NonNegative,
    UnitInterval,
    Percent,

    /// <summary>A finite value &gt; 0 (a constant that keeps a denominator away from 0).</summary>
    Positive,

    /// <summary>An odd whole number &gt;= 1 (a window width in pixels).</summary>
    OddWindow,
}

/// <summary>A scalar parameter of the generated constructor.</summary>
internal sealed record ParameterModel(string Name, double DefaultValue, ParameterRange Range, string Description);

/// <summary>
/// One term of the loss, bound: its expression over the language's quantities, and its per-term options
/// (each <c>null</c> when it inherits the declaration's value).
/// </summary>
internal sealed record TermModel(
    string Name,
    string Formula,
    Expr Expression,
    string WeightParameter,
    bool? IncludeBackground,
    bool? BatchStatistics,
    EquatableArray<double>? ClassWeights);
