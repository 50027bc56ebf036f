using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SegLoss.Generator;

namespace SegLoss.Conformance;

/// <summary>
/// Compiles SegLoss declarations in memory: runs the SegLoss generator on them, compiles the result against
/// TorchSharp and SegLoss.Runtime with warnings as errors, and loads the assembly.
/// </summary>
public static class DeclarationCompiler
{
    public const string Namespace = "SegLoss.Conformance.Generated";

    private static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Latest);

    /// <summary>The compiled types by name; declarations that failed carry their error text instead.</summary>
    public sealed record Result(IReadOnlyDictionary<string, Type> Types, IReadOnlyDictionary<string, string> Errors);

    /// <summary>Compiles all declarations together; when that fails, each on its own, so one error spoils only its file.</summary>
    public static Result Compile(IReadOnlyDictionary<string, string> sources)
    {
        if (sources.Count == 0)
        {
            return new Result(new Dictionary<string, Type>(), new Dictionary<string, string>());
        }

        var (assembly, error) = TryCompile(sources, "SegLoss.Conformance.Generated.All");
        if (assembly is not null)
        {
            return new Result(sources.Keys.ToDictionary(k => k, k => assembly.GetType($"{Namespace}.{k}", throwOnError: true)!), new Dictionary<string, string>());
        }

        var types = new Dictionary<string, Type>();
        var errors = new Dictionary<string, string>();
        foreach (var (name, source) in sources)
        {
            var (single, singleError) = TryCompile(new Dictionary<string, string> { [name] = source }, "SegLoss.Conformance.Generated." + name);
            if (single is not null)
            {
                types[name] = single.GetType($"{Namespace}.{name}", throwOnError: true)!;
            }
            else
            {
                errors[name] = singleError ?? error ?? "compilation failed";
            }
        }

        return new Result(types, errors);
    }

    /// <summary>Runs the generator on <paramref name="sources"/> and compiles; returns the generator's output for tests.</summary>
    public static (CSharpCompilation Compilation, GeneratorDriverRunResult Run) Generate(IEnumerable<string> sources, string assemblyName = "Declarations")
    {
        var trees = sources.Select(s => CSharpSyntaxTree.ParseText(s, ParseOptions)).ToList();
        var compilation = CSharpCompilation.Create(
            assemblyName,
            trees,
            References.Value,
            new CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary, nullableContextOptions: NullableContextOptions.Enable, warningLevel: 9999));
        var driver = CSharpGeneratorDriver.Create(new[] { new SegLossGenerator().AsSourceGenerator() }, parseOptions: ParseOptions)
            .RunGeneratorsAndUpdateCompilation(compilation, out var output, out _);
        return ((CSharpCompilation)output, driver.GetRunResult());
    }

    /// <summary>Calls a generated loss's constructor with the named arguments and the declared defaults for the rest.</summary>
    public static TorchSharp.Loss<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor, TorchSharp.torch.Tensor> Instantiate(
        Type type,
        IReadOnlyDictionary<string, object?>? arguments = null)
    {
        var constructor = type.GetConstructors().Single();
        var values = constructor.GetParameters()
            .Select(p => arguments is not null && arguments.TryGetValue(p.Name!, out var value) ? value : p.DefaultValue)
            .ToArray();
        return (TorchSharp.Loss<TorchSharp.torch.Tensor, TorchSharp.torch.Tensor, TorchSharp.torch.Tensor>)constructor.Invoke(values);
    }

    private static (Assembly? Assembly, string? Error) TryCompile(IReadOnlyDictionary<string, string> sources, string assemblyName)
    {
        var files = sources.Select(pair => $"using SegLoss;\nnamespace {Namespace};\n\n{pair.Value}");
        var (compilation, run) = Generate(files, assemblyName);
        DumpGeneratedSources(run, assemblyName);
        var diagnostics = run.Diagnostics.Concat(compilation.GetDiagnostics())
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .ToList();
        if (diagnostics.Count > 0)
        {
            return (null, string.Join("; ", diagnostics.Take(3).Select(d => d.ToString())));
        }

        using var stream = new MemoryStream();
        var emitted = compilation.Emit(stream);
        if (!emitted.Success)
        {
            return (null, string.Join("; ", emitted.Diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error).Take(3)));
        }

        return (Assembly.Load(stream.ToArray()), null);
    }

    /// <summary>With SEGLOSS_DUMP_GENERATED=FOLDER set, writes the generated sources there (to read what a mapping compiles to).</summary>
    private static void DumpGeneratedSources(GeneratorDriverRunResult run, string assemblyName)
    {
        if (Environment.GetEnvironmentVariable("SEGLOSS_DUMP_GENERATED") is not { Length: > 0 } folder)
        {
            return;
        }

        Directory.CreateDirectory(folder);
        foreach (var source in run.Results.SelectMany(r => r.GeneratedSources))
        {
            File.WriteAllText(Path.Combine(folder, assemblyName + "." + source.HintName), source.SourceText.ToString());
        }
    }

    private static readonly Lazy<MetadataReference[]> References = new(() =>
        Basic.Reference.Assemblies.Net80.References.All
            .Concat(new[]
            {
                typeof(TorchSharp.torch).Assembly,
                typeof(SegLoss.Runtime.LossBatch).Assembly,
                typeof(SegLoss.SegLossAttribute).Assembly,
            }.Select(a => (MetadataReference)MetadataReference.CreateFromFile(a.Location)))
            .ToArray());
}
