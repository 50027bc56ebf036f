using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SegLoss.Generator.Catalog;
using SegLoss.Generator.Diagnostics;
using SegLoss.Generator.Helpers;
using SegLoss.Generator.Model;

namespace SegLoss.Generator.Parsing;

/// <summary>
/// The transform of the pipeline: reads a <c>[SegLoss]</c> class into an equatable <see cref="LossDeclaration"/>,
/// binding every term, and collects located diagnostics. It never throws for bad user input.
/// </summary>
internal static class DeclarationReader
{
    public const string SegLossAttributeName = "SegLoss.SegLossAttribute";
    private const string TermAttributeName = "SegLoss.TermAttribute";
    private const string ParamAttributeName = "SegLoss.ParamAttribute";
    private const string BlobAttributeName = "SegLoss.BlobAttribute";

    public static ReadResult Read(GeneratorAttributeSyntaxContext context, CancellationToken token)
    {
        var diagnostics = new List<DiagnosticInfo>();
        LossDeclaration? model;
        try
        {
            model = TryRead(context, diagnostics, token);
        }
        catch (System.Exception e) when (e is not System.OperationCanceledException)
        {
            // A bug must not silence the compiler (an exception becomes CS8785 and no output at all).
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InternalError, context.TargetNode.GetLocation(), context.TargetSymbol.Name, e.Message));
            model = null;
        }

        var hasErrors = diagnostics.Any(d => d.Descriptor.DefaultSeverity == DiagnosticSeverity.Error);
        return new ReadResult(hasErrors ? null : model, diagnostics.ToEquatableArray());
    }

    private static LossDeclaration? TryRead(GeneratorAttributeSyntaxContext context, List<DiagnosticInfo> diagnostics, CancellationToken token)
    {
        if (context.TargetSymbol is not INamedTypeSymbol symbol || context.TargetNode is not ClassDeclarationSyntax syntax)
        {
            return null;
        }

        if (!CheckShape(symbol, syntax, diagnostics))
        {
            return null;
        }

        var declaration = new AttributeArguments(context.Attributes[0], token);
        var options = ReadOptions(declaration, diagnostics);
        token.ThrowIfCancellationRequested();

        var parameters = new List<(string Name, double Value, AttributeArguments Arguments)>();
        var sources = new List<TermSource>();
        AttributeArguments? blob = null;
        foreach (var attribute in symbol.GetAttributes())
        {
            var name = attribute.AttributeClass?.ToDisplayString();
            if (name == BlobAttributeName)
            {
                blob = new AttributeArguments(attribute, token);
            }
            else if (name == ParamAttributeName)
            {
                var arguments = new AttributeArguments(attribute, token);
                if (arguments.Constructor(0)?.Value is string parameterName && arguments.Constructor(1)?.Value is double value)
                {
                    parameters.Add((parameterName, value, arguments));
                }
            }
            else if (name == TermAttributeName || (name is not null && TermCatalog.Find(name) is not null))
            {
                var entry = name == TermAttributeName ? null : TermCatalog.Find(name!);
                var arguments = new AttributeArguments(attribute, token);
                sources.Add(new TermSource(arguments, entry, arguments.String("Name") ?? entry?.TermName ?? "term"));
            }
        }

        if (sources.Count == 0)
        {
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NoTerms, declaration.Location, symbol.Name));
            return null;
        }

        var names = new NameTable(diagnostics);
        if (blob is not null)
        {
            options = options with { Blob = ReadBlob(blob, names, diagnostics) };
        }

        SettleTermNames(sources, diagnostics);
        var declared = ReadParameters(parameters, names, diagnostics);
        var reader = new TermReader(options, declared, names, diagnostics);
        foreach (var shared in sources
            .Where(s => s.Entry is not null)
            .SelectMany(s => s.Entry!.Parameters.Where(p => !p.IsOptional || s.Arguments.IsSet(p.Property)).Select(p => p.Name))
            .GroupBy(n => n)
            .Where(g => g.Count() > 1))
        {
            reader.Ambiguous.Add(shared.Key);
        }

        var terms = new List<TermModel>();
        foreach (var source in sources)
        {
            token.ThrowIfCancellationRequested();
            if (reader.Read(source) is { } term)
            {
                terms.Add(term);
            }
        }

        if (blob is not null)
        {
            CheckBlobTerms(sources, terms, diagnostics);
        }

        foreach (var (name, _, arguments) in parameters)
        {
            if (declared.ContainsKey(name) && !reader.UsedParameters.Contains(name))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnusedParameter, arguments.Location, name));
            }
        }

        var allParameters = reader.Parameters.Concat(parameters
            .Where(p => declared.ContainsKey(p.Name))
            .Select(p => new ParameterModel(p.Name, p.Value, ParameterRange.Any, "Declared with [Param].")));

        return new LossDeclaration(
            ReadTypeLocation(symbol),
            options,
            allParameters.ToEquatableArray(),
            terms.ToEquatableArray());
    }

    private static BlobOptions ReadBlob(AttributeArguments blob, NameTable names, List<DiagnosticInfo> diagnostics)
    {
        var main = blob.Double("MainWeight") ?? 2.0;
        var weight = blob.Double("BlobWeight") ?? 1.0;
        foreach (var (property, value) in new[] { ("MainWeight", main), ("BlobWeight", weight) })
        {
            if (!(value >= 0) || double.IsInfinity(value))
            {
                diagnostics.Add(DiagnosticInfo.Create(
                    DiagnosticDescriptors.ParameterOutOfRange,
                    blob.NamedLocation(property),
                    property,
                    value.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
                    "a finite value >= 0"));
            }
        }

        names.Reserve("main_weight", "[Blob]", blob.Location);
        names.Reserve("blob_weight", "[Blob]", blob.Location);
        return new BlobOptions(main, weight, blob.Int("Connectivity") ?? 3, blob.Int("Masking") == 1);
    }

    /// <summary>Blob terms are evaluated on per-instance sums one-vs-rest: per-class terms of per-class pixel sums only.</summary>
    private static void CheckBlobTerms(List<TermSource> sources, List<TermModel> terms, List<DiagnosticInfo> diagnostics)
    {
        foreach (var term in terms)
        {
            var reason = BlobIncompatibility(Planning.Planner.Normalize(term.Expression));
            if (reason is not null)
            {
                var source = sources.First(s => s.Name == term.Name);
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.BlobIncompatible, source.Arguments.Location, term.Name, reason));
            }
        }
    }

    private static string? BlobIncompatibility(Expr expression)
    {
        if (Binder.LevelOf(expression) is not { Level: Level.Statistic, PerClass: true })
        {
            return "is not per class (a pixel term averages its class sum over pixels; cross-entropy sums over classes)";
        }

        foreach (var node in Planning.Algebra.Nodes(expression))
        {
            switch (node)
            {
                case AggregateExpr { Aggregation: Aggregation.TopK or Aggregation.Lovasz or Aggregation.MeanBatch or Aggregation.SinglePrecisionMean or Aggregation.SumAllClasses } aggregate:
                    return $"uses {AggregationFacts.Name(aggregate.Aggregation)}(...)";
                case FunctionExpr function when SpatialFunctions.IsSpatial(function.Function):
                    return $"uses {FunctionFacts.Name(function.Function)}(...)";
                case QuantityExpr { Kind: Quantity.TrueProbability or Quantity.TrueLogProbability or Quantity.TrueLogComplement or Quantity.Logit } quantity:
                    return $"uses {QuantityFacts.Name(quantity.Kind)}";
                case QuantityExpr quantity when QuantityFacts.IsDistanceMap(quantity.Kind):
                    return $"uses the distance map {QuantityFacts.Name(quantity.Kind)}, which belongs to the whole target";
            }
        }

        return null;
    }

    private static bool CheckShape(INamedTypeSymbol symbol, ClassDeclarationSyntax syntax, List<DiagnosticInfo> diagnostics)
    {
        for (var type = symbol; type is not null; type = type.ContainingType)
        {
            if (type.IsGenericType)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GenericType, syntax.Identifier.GetLocation(), symbol.Name));
                return false;
            }

            var allPartial = type.DeclaringSyntaxReferences.All(reference =>
                reference.GetSyntax() is TypeDeclarationSyntax declaration &&
                declaration.Modifiers.Any(m => m.IsKind(SyntaxKind.PartialKeyword)));
            if (!allPartial)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotPartial, syntax.Identifier.GetLocation(), type.Name));
                return false;
            }
        }

        return true;
    }

    private static LossOptions ReadOptions(AttributeArguments declaration, List<DiagnosticInfo> diagnostics)
    {
        var activation = declaration.Constructor(0)?.Value is int value ? (Activation)value : Activation.Softmax;
        var classWeights = declaration.DoubleArray("ClassWeights");
        CheckClassWeights(classWeights, declaration, "ClassWeights", diagnostics);
        var spacing = declaration.DoubleArray("Spacing");
        if (spacing is { } values && (values.Count == 0 || values.Any(v => !(v > 0) || double.IsInfinity(v))))
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.ParameterOutOfRange,
                declaration.NamedLocation("Spacing"),
                "Spacing",
                "{" + string.Join(", ", values.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "}",
                "one finite spacing > 0 per spatial axis"));
        }

        return new LossOptions(
            activation,
            declaration.Bool("IncludeBackground") ?? true,
            declaration.Bool("BatchStatistics") ?? false,
            declaration.Int("IgnoreIndex"),
            declaration.Int("Reduction") ?? 0,
            classWeights,
            DistanceField: declaration.Int("DistanceField") ?? 0,
            Spacing: spacing,
            ForceAutograd: declaration.Int("Backward") == 1);
    }

    internal static void CheckClassWeights(EquatableArray<double>? weights, AttributeArguments arguments, string property, List<DiagnosticInfo> diagnostics)
    {
        if (weights is not { } values)
        {
            return;
        }

        if (values.Count == 0 || values.Any(v => v < 0 || double.IsNaN(v) || double.IsInfinity(v)))
        {
            diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.ParameterOutOfRange,
                arguments.NamedLocation(property),
                property,
                "{" + string.Join(", ", values.Select(v => v.ToString("R", System.Globalization.CultureInfo.InvariantCulture))) + "}",
                "one finite, non-negative weight per channel"));
        }
    }

    /// <summary>
    /// Gives every term a unique name: a repeated catalog name gets a suffix (<c>dice</c>, <c>dice_2</c>); a repeated
    /// explicit <c>Name</c> is SEGL021 on the later term, which is then left out.
    /// </summary>
    private static void SettleTermNames(List<TermSource> sources, List<DiagnosticInfo> diagnostics)
    {
        var counts = sources.GroupBy(s => s.Name).ToDictionary(g => g.Key, g => g.Count());
        var seen = new Dictionary<string, int>();
        foreach (var source in sources.ToList())
        {
            if (!NameTable.IsValidName(source.Name))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidName, source.Arguments.NamedLocation("Name"), source.Name));
                sources.Remove(source);
                continue;
            }

            seen.TryGetValue(source.Name, out var index);
            seen[source.Name] = ++index;
            if (counts[source.Name] == 1 || index == 1)
            {
                continue;
            }

            if (source.Arguments.IsSet("Name"))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateName, source.Arguments.NamedLocation("Name"), source.Name, "two terms"));
                sources.Remove(source);
                continue;
            }

            source.Name = source.Name + "_" + index.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
    }

    private static Dictionary<string, string> ReadParameters(
        List<(string Name, double Value, AttributeArguments Arguments)> parameters,
        NameTable names,
        List<DiagnosticInfo> diagnostics)
    {
        var declared = new Dictionary<string, string>();
        foreach (var (name, _, arguments) in parameters)
        {
            if (!NameTable.IsValidName(name) || LanguageNames.IsReserved(name))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidName, arguments.ConstructorSyntax(0)?.GetLocation() ?? arguments.Location, name));
            }
            else if (declared.ContainsKey(name))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DuplicateName, arguments.ConstructorSyntax(0)?.GetLocation() ?? arguments.Location, name, "two [Param] attributes"));
            }
            else
            {
                declared[name] = name;
                names.Reserve(name, "a [Param]", arguments.ConstructorSyntax(0)?.GetLocation() ?? arguments.Location);
            }
        }

        return declared;
    }

    private static TypeLocation ReadTypeLocation(INamedTypeSymbol symbol)
    {
        var containing = new List<string>();
        for (var type = symbol.ContainingType; type is not null; type = type.ContainingType)
        {
            containing.Insert(0, type.Name);
        }

        var ns = symbol.ContainingNamespace is { IsGlobalNamespace: false } n ? n.ToDisplayString() : "";
        return new TypeLocation(ns, containing.ToEquatableArray(), symbol.Name);
    }
}
