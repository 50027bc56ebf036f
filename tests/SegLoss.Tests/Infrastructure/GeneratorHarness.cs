using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SegLoss.Conformance;
using SegLoss.Generator;

namespace SegLoss.Tests.Infrastructure;

/// <summary>Runs the generator on source text in memory (references: .NET 8 reference assemblies, TorchSharp, SegLoss).</summary>
public sealed class GeneratorHarness
{
    private GeneratorHarness(CSharpCompilation compilation, GeneratorDriverRunResult run)
    {
        Compilation = compilation;
        Run = run;
    }

    public CSharpCompilation Compilation { get; }

    public GeneratorDriverRunResult Run { get; }

    /// <summary>The generator's own diagnostics.</summary>
    public IReadOnlyList<Diagnostic> Diagnostics => Run.Diagnostics;

    public static GeneratorHarness For(params string[] sources)
    {
        var (compilation, run) = DeclarationCompiler.Generate(sources.Select(s => "using SegLoss;\n" + s));
        return new GeneratorHarness(compilation, run);
    }

    /// <summary>The generated file with this hint name, with the generator version replaced by &lt;VERSION&gt;.</summary>
    public string Source(string hintName) =>
        Run.Results.Single().GeneratedSources.Single(s => s.HintName == hintName).SourceText.ToString()
            .Replace($"\"{SegLossGenerator.Version}\"", "\"<VERSION>\"");

    public IReadOnlyList<string> HintNames => Run.Results.Single().GeneratedSources.Select(s => s.HintName).ToList();

    /// <summary>Errors and warnings of compiling the user code with the generated code (warning level 9999).</summary>
    public IReadOnlyList<Diagnostic> CompilationProblems =>
        Compilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning).ToList();
}
