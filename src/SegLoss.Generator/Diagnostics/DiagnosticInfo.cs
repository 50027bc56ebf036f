using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;
using SegLoss.Generator.Helpers;

namespace SegLoss.Generator.Diagnostics;

/// <summary>
/// A diagnostic without symbols: descriptor, the tree and span it points at, and its message arguments as strings.
/// Kept apart from the model so that moving code re-reports diagnostics without re-emitting sources.
/// </summary>
internal sealed record DiagnosticInfo(
    DiagnosticDescriptor Descriptor,
    SyntaxTree? Tree,
    TextSpan Span,
    EquatableArray<string> Arguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, Location? location, params string[] arguments) =>
        new(descriptor, location?.SourceTree, location?.SourceSpan ?? default, arguments.ToEquatableArray());

    public Diagnostic ToDiagnostic()
    {
        var location = Tree is null ? Location.None : Location.Create(Tree, Span);
        var arguments = new object[Arguments.Count];
        for (var i = 0; i < arguments.Length; i++)
        {
            arguments[i] = Arguments[i];
        }

        return Diagnostic.Create(Descriptor, location, arguments);
    }
}
