namespace SegLoss.Conformance.Mappings;

/// <summary>
/// Losses the golden set re-implemented from a paper's or a survey's formula (anchor "formula"), such as Jadon's
/// log-cosh Dice over everything flattened.
/// </summary>
public sealed class FormulaMapping : ILossMapping
{
    public bool Handles(GoldenFile file) => file.Anchor.StartsWith("formula", System.StringComparison.Ordinal);

    public MappingResult Map(GoldenFile file) => file.Loss switch
    {
        "log_cosh_dice" => new Declaration(
            Declare.SegLoss(MappingHelpers.Activation(file), batchStatistics: true),
            Declare.Term("log(cosh(1 - (2*sumc(TP) + smooth)/(sumc(G) + sumc(P) + smooth)))", name: "log_cosh_dice"),
            Declare.Param("smooth", file.Double("smooth", 1.0))),
        _ => new Unsupported($"formula '{file.Loss}' is not mapped"),
    };
}
