using SegLoss.Generator.Diagnostics;
using SegLoss.Generator.Helpers;
using SegLoss.Generator.Model;

namespace SegLoss.Generator.Parsing;

/// <summary>The transform's output: the model (null when the declaration has an error) and its diagnostics.</summary>
internal sealed record ReadResult(LossDeclaration? Model, EquatableArray<DiagnosticInfo> Diagnostics);
