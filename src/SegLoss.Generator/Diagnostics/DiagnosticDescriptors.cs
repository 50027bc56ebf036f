using Microsoft.CodeAnalysis;

namespace SegLoss.Generator.Diagnostics;

/// <summary>
/// Every diagnostic the generator reports. IDs: SEGL001-009 declaration shape, SEGL010-019 expressions,
/// SEGL020-029 parameters and options. A declaration with an error yields no generated code.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "SegLoss";

    public static readonly DiagnosticDescriptor NotPartial = new(
        "SEGL001",
        "Loss declaration must be partial",
        "'{0}' must be declared partial (and so must every type containing it) so that SegLoss can generate its loss module",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor NoTerms = new(
        "SEGL002",
        "Loss declaration has no terms",
        "'{0}' declares no term: add [Dice], [CrossEntropy], [Focal] or [Term(\"...\")]",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor GenericType = new(
        "SEGL003",
        "Loss declaration cannot be generic",
        "'{0}' is generic (or nested in a generic type); SegLoss losses must be non-generic classes",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor RuntimeNotReferenced = new(
        "SEGL004",
        "SegLoss.Runtime is not referenced",
        "'{0}' is declared, but the project does not reference SegLoss.Runtime (and TorchSharp), which the generated loss calls; add the SegLoss runtime package or project",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InternalError = new(
        "SEGL099",
        "SegLoss could not process the declaration",
        "SegLoss could not process '{0}': {1}. Please report this with the declaration.",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor SyntaxError = new(
        "SEGL010",
        "Expression syntax error",
        "Syntax error in term expression at column {0}: {1}",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnknownIdentifier = new(
        "SEGL011",
        "Unknown identifier",
        "Unknown identifier '{0}' in term expression; known: p y logp pt logpt w C, TP FP FN TN P G V P2 G2, the functions and the declared [Param] names",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor PixelOutsideAggregation = new(
        "SEGL012",
        "Pixel quantity combined with statistics",
        "'{0}' varies per pixel but is combined with a statistic outside an aggregation; wrap the per-pixel part in sumx(...) or meanx(...)",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidAggregation = new(
        "SEGL013",
        "Invalid use of a function or aggregation",
        "{0}",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ConstantTerm = new(
        "SEGL014",
        "Term does not depend on the prediction",
        "The term '{0}' does not depend on the prediction, so it contributes no gradient",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor ParameterOutOfRange = new(
        "SEGL020",
        "Parameter out of range",
        "{0} = {1} is out of range: expected {2}",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor DuplicateName = new(
        "SEGL021",
        "Duplicate name",
        "The name '{0}' is declared twice ({1}); constructor arguments and expression names must be unique",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor IncompatibleActivation = new(
        "SEGL022",
        "Term incompatible with the activation",
        "{0}",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor InvalidName = new(
        "SEGL023",
        "Invalid name",
        "'{0}' is not a valid name: use a C# identifier that is not a keyword of the expression language",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor BlobIncompatible = new(
        "SEGL025",
        "Term cannot be a blob term",
        "[Blob] scores instances one-vs-rest per class, so every term must be a per-class expression of per-class pixel sums; '{0}' {1}",
        Category,
        DiagnosticSeverity.Error,
        isEnabledByDefault: true);

    public static readonly DiagnosticDescriptor UnusedParameter = new(
        "SEGL024",
        "Unused parameter",
        "[Param(\"{0}\")] is not used by any term",
        Category,
        DiagnosticSeverity.Warning,
        isEnabledByDefault: true);
}
