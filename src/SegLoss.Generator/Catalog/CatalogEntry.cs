using System;
using System.Collections.Generic;
using SegLoss.Generator.Model;

namespace SegLoss.Generator.Catalog;

/// <summary>A scalar parameter of a built-in term: the attribute property that sets it and its expression name.</summary>
/// <param name="Property">The attribute property, e.g. <c>SmoothNumerator</c>.</param>
/// <param name="Name">The name the expression uses and the constructor argument's name, e.g. <c>smooth_nr</c>.</param>
/// <param name="IsOptional">No default: when the attribute does not set it, the formula leaves it out.</param>
internal sealed record CatalogParameter(
    string Property,
    string Name,
    double DefaultValue,
    ParameterRange Range,
    string Description,
    bool IsOptional = false);

/// <summary>What a built-in term's formula may depend on, decided at compile time.</summary>
/// <param name="Activation">The term's effective activation.</param>
/// <param name="Options">Boolean (0/1) and enum attribute properties that select the formula, by property name.</param>
/// <param name="PresentOptional">Optional parameters the attribute sets, by expression name.</param>
internal sealed record CatalogChoice(Activation Activation, IReadOnlyDictionary<string, int> Options, IReadOnlyCollection<string> PresentOptional)
{
    /// <summary>A boolean switch that is on, or an optional parameter that is set.</summary>
    public bool Has(string name) => Option(name) != 0 || System.Linq.Enumerable.Contains(PresentOptional, name);

    /// <summary>The value of a boolean or enum switch (0 when unset).</summary>
    public int Option(string name) => Options.TryGetValue(name, out var value) ? value : 0;
}

/// <summary>The formula of a built-in term for a choice, or why the choice is not allowed.</summary>
internal sealed record CatalogFormula(string? Expression, string? Error)
{
    public static CatalogFormula Of(string expression) => new(expression, null);

    public static CatalogFormula Rejected(string error) => new(null, error);
}

/// <summary>
/// A built-in term: a named expression of the language with parameters and defaults. The engine treats it exactly
/// like a <c>[Term]</c>; nothing outside the catalog knows its name.
/// </summary>
internal sealed record CatalogEntry(
    string AttributeMetadataName,
    string TermName,
    IReadOnlyList<CatalogParameter> Parameters,
    IReadOnlyList<string> Switches,
    Func<CatalogChoice, CatalogFormula> Formula,
    bool? BatchStatisticsDefault,
    string Documentation);
