using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SegLoss.Generator.Diagnostics;

namespace SegLoss.Generator.Parsing;

/// <summary>The constructor-argument names of one declaration; a second claim of a name is SEGL021.</summary>
internal sealed class NameTable
{
    /// <summary>Constructor arguments every generated loss has.</summary>
    public static readonly string[] OptionNames = { "include_background", "batch_statistics", "ignore_index", "class_weights", "reduction" };

    private readonly Dictionary<string, string> _owners = new();
    private readonly List<DiagnosticInfo> _diagnostics;

    public NameTable(List<DiagnosticInfo> diagnostics)
    {
        _diagnostics = diagnostics;
        foreach (var name in OptionNames)
        {
            _owners[name] = "an option of [SegLoss]";
        }
    }

    public static bool IsValidName(string name) =>
        SyntaxFacts.IsValidIdentifier(name) && SyntaxFacts.GetKeywordKind(name) == SyntaxKind.None && !name.StartsWith("_", System.StringComparison.Ordinal);

    /// <summary>Claims <paramref name="name"/> for <paramref name="owner"/>; reports and returns false if taken.</summary>
    public bool Reserve(string name, string owner, Location? location)
    {
        if (_owners.TryGetValue(name, out var existing))
        {
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateName, location, name, $"{existing} and {owner}"));
            return false;
        }

        _owners[name] = owner;
        return true;
    }
}
