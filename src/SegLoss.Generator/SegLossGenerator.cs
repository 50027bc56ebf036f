using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SegLoss.Generator.Diagnostics;
using SegLoss.Generator.Emit;
using SegLoss.Generator.Parsing;
using SegLoss.Generator.Planning;

namespace SegLoss.Generator;

/// <summary>
/// Emits a fused TorchSharp loss module for every <c>[SegLoss]</c> partial class: read the attributes into an
/// equatable model, plan the shared statistics, emit one file per declaration.
/// </summary>
[Generator(Microsoft.CodeAnalysis.LanguageNames.CSharp)]
public sealed class SegLossGenerator : IIncrementalGenerator
{
    /// <summary>A type of SegLoss.Runtime: generated code needs it (and TorchSharp) to compile.</summary>
    private const string RuntimeMarker = "SegLoss.Runtime.LossBatch";

    /// <summary>The version written into <c>[GeneratedCode]</c>.</summary>
    public static readonly string Version = typeof(SegLossGenerator).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // 1. Find [SegLoss] classes by metadata name (syntax-only predicate) and read each into model + diagnostics.
        var declarations = context.SyntaxProvider
            .ForAttributeWithMetadataName(
                DeclarationReader.SegLossAttributeName,
                static (node, _) => node is ClassDeclarationSyntax,
                static (context, token) => DeclarationReader.Read(context, token))
            .WithTrackingName(TrackingNames.Read);

        // 2. Diagnostics go out on their own, so that the model below stays free of locations.
        context.RegisterSourceOutput(
            declarations.SelectMany(static (result, _) => result.Diagnostics),
            static (output, diagnostic) => output.ReportDiagnostic(diagnostic.ToDiagnostic()));

        // 3. Declarations without errors go on; equal models stop the pipeline here.
        var models = declarations
            .Select(static (result, _) => result.Model)
            .Where(static model => model is not null)
            .WithTrackingName(TrackingNames.Model);

        // 4. Plan: shared statistics and the class-index forms of each (a pure function of the model).
        var plans = models
            .Select(static (model, _) => Planner.Plan(model!))
            .WithTrackingName(TrackingNames.Plan);

        // 5. Emit one file per declaration, if the project references the runtime the generated code calls.
        var runtimeReferenced = context.CompilationProvider
            .Select(static (compilation, _) => compilation.GetTypeByMetadataName(RuntimeMarker) is not null);
        context.RegisterSourceOutput(plans.Combine(runtimeReferenced), static (output, input) =>
        {
            var (plan, referenced) = input;
            if (!referenced)
            {
                output.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.RuntimeNotReferenced, Location.None, plan.Type.FullName));
                return;
            }

            try
            {
                output.AddSource(plan.HintName, LossEmitter.Emit(plan, Version));
            }
            catch (System.Exception e) when (e is not System.OperationCanceledException)
            {
                output.ReportDiagnostic(Diagnostic.Create(DiagnosticDescriptors.InternalError, Location.None, plan.Type.FullName, e.Message));
            }
        });
    }
}
