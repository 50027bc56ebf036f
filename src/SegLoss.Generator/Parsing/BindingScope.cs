using System.Collections.Generic;
using SegLoss.Generator.Model;

namespace SegLoss.Generator.Parsing;

/// <summary>What identifiers of one term resolve to.</summary>
/// <param name="Activation">The activation tag for the term's probability quantities.</param>
/// <param name="WeightSource">Which class-weight vector <c>w</c> means: "" for the declaration's, else the term's name.</param>
/// <param name="Parameters">Expression name to constructor-argument name (built-in parameters and [Param]s).</param>
internal sealed record BindingScope(Activation Activation, string WeightSource, IReadOnlyDictionary<string, string> Parameters);

/// <summary>An error found while binding, at an offset of the expression string.</summary>
internal sealed record BindingError(Microsoft.CodeAnalysis.DiagnosticDescriptor Descriptor, int Start, int Length, string[] Arguments);
