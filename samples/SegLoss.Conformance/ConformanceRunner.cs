using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using SegLoss.Conformance.Fixtures;
using SegLoss.Conformance.Mappings;
using static TorchSharp.torch;

namespace SegLoss.Conformance;

/// <summary>The outcome of one file: PASS, FAIL (with what differed) or UNSUPPORTED (with why).</summary>
public sealed record FileOutcome(string File, string Status, string Detail)
{
    public override string ToString() => Detail.Length == 0 ? $"{Status} {File}" : $"{Status} {File} {Detail}";
}

/// <summary>
/// Runs golden files: maps each to a declaration through the mapping of its anchor, compiles all declarations at once,
/// evaluates each in float64 and compares value and every gradient element within 1e-9 relative to max(1, |reference|)
/// (1e-6 when the file's notes say PRECISION).
/// </summary>
public static class ConformanceRunner
{
    private static readonly ILossMapping[] Mappings = { new MonaiMapping(), new SegLossOdysseyMapping(), new SmpMapping(), new FormulaMapping(), new BlobMapping() };

    /// <summary>Kernel fixtures: one check per kind, each a class in Fixtures/.</summary>
    private static readonly IFixtureCheck[] FixtureChecks = { new EdtFixtureCheck(), new ComponentsFixtureCheck() };

    public static IReadOnlyList<FileOutcome> Run(IEnumerable<string> folders)
    {
        var files = folders
            .SelectMany(folder => Directory.EnumerateFiles(folder, "*.json", SearchOption.AllDirectories).Select(path => (folder, path)))
            .OrderBy(f => f.path, StringComparer.Ordinal)
            .ToList();
        var outcomes = new FileOutcome?[files.Count];
        var declarations = new Dictionary<string, (int Index, GoldenFile File, Declaration Declaration)>();
        for (var i = 0; i < files.Count; i++)
        {
            var name = Path.GetRelativePath(files[i].folder, files[i].path);
            try
            {
                var file = GoldenFile.Load(files[i].path);
                if (FixtureChecks.FirstOrDefault(c => c.Handles(file)) is { } check)
                {
                    outcomes[i] = check.Check(name, file);
                    continue;
                }

                switch (Map(file))
                {
                    case Unsupported unsupported:
                        outcomes[i] = new FileOutcome(name, "UNSUPPORTED", unsupported.Reason);
                        break;
                    case Declaration declaration:
                        declarations[$"Golden{i}"] = (i, file, declaration);
                        break;
                }
            }
            catch (Exception e) when (e is IOException or System.Text.Json.JsonException or KeyNotFoundException or InvalidOperationException)
            {
                outcomes[i] = new FileOutcome(name, "FAIL", "unreadable: " + e.Message);
            }
        }

        var compiled = DeclarationCompiler.Compile(declarations.ToDictionary(d => d.Key, d => d.Value.Declaration.Source(d.Key)));
        foreach (var (typeName, (index, file, declaration)) in declarations)
        {
            var name = Path.GetRelativePath(files[index].folder, files[index].path);
            outcomes[index] = compiled.Types.TryGetValue(typeName, out var type)
                ? Evaluate(name, file, type, declaration)
                : new FileOutcome(name, "FAIL", "declaration does not compile: " + compiled.Errors[typeName]);
        }

        return outcomes.Select(o => o!).ToList();
    }

    public static MappingResult Map(GoldenFile file)
    {
        if (file.Loss.Length == 0)
        {
            return new Unsupported(file.Root.TryGetProperty("edt", out _)
                ? "distance-transform fixture: the EDT kernel is not implemented yet"
                : file.Root.TryGetProperty("labels", out _) ? "connected-component fixture: labeling is not implemented yet" : "not a golden loss file");
        }

        var mapping = Mappings.FirstOrDefault(m => m.Handles(file));
        return mapping?.Map(file) ?? new Unsupported($"no mapping for the anchor '{file.Anchor}'");
    }

    private static FileOutcome Evaluate(string name, GoldenFile file, Type type, Declaration declaration)
    {
        using var scope = NewDisposeScope();
        try
        {
            using var loss = DeclarationCompiler.Instantiate(type, declaration.Arguments);
            var golden = file.Input;
            var input = tensor(golden.Values, golden.Shape, ScalarType.Float64).requires_grad_(true);
            var target = MakeTarget(file);
            var value = file.Root.TryGetProperty("instances", out _)
                ? CallWithExtra(loss, input, target, file, "instances", ScalarType.Int64)
                : file.Root.TryGetProperty("dist", out var dist) && dist.ValueKind == System.Text.Json.JsonValueKind.Object
                    ? CallWithExtra(loss, input, target, file, "dist", ScalarType.Float64)
                    : loss.call(input, target);
            value.backward();
            var gradient = input.grad!.data<double>().ToArray();
            var tolerance = file.IsReducedPrecision ? 1e-6 : 1e-9;
            var actual = value.item<double>();
            if (!Close(actual, file.Value, tolerance))
            {
                return new FileOutcome(name, "FAIL", $"value {actual:R} != {file.Value:R} (tolerance {tolerance:G})");
            }

            var expected = file.Gradient.Values;
            if (expected.Length != gradient.Length)
            {
                return new FileOutcome(name, "FAIL", $"gradient has {gradient.Length} elements, expected {expected.Length}");
            }

            for (var i = 0; i < expected.Length; i++)
            {
                if (!Close(gradient[i], expected[i], tolerance))
                {
                    return new FileOutcome(name, "FAIL", $"gradient[{i}] {gradient[i]:R} != {expected[i]:R} (tolerance {tolerance:G})");
                }
            }

            return new FileOutcome(name, "PASS", "");
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or TargetInvocationException or System.Runtime.InteropServices.ExternalException)
        {
            var inner = e is TargetInvocationException { InnerException: { } cause } ? cause : e;
            return new FileOutcome(name, "FAIL", $"{inner.GetType().Name}: {inner.Message}");
        }
    }

    /// <summary>
    /// The file's instance map (blob losses) or distance map (the map fed to a boundary loss) through the generated
    /// three-argument forward.
    /// </summary>
    private static Tensor CallWithExtra(TorchSharp.Loss<Tensor, Tensor, Tensor> loss, Tensor input, Tensor target, GoldenFile file, string field, ScalarType type)
    {
        var map = FlatArray.Read(file.Root.GetProperty(field));
        var extra = type == ScalarType.Int64
            ? tensor(map.Values.Select(v => (long)v).ToArray(), map.Shape, type)
            : tensor(map.Values, map.Shape, type);
        var forward = loss.GetType().GetMethod("forward", new[] { typeof(Tensor), typeof(Tensor), typeof(Tensor) })
            ?? throw new InvalidOperationException($"the declaration has no forward(input, target, {field}) for the file's '{field}'");
        return (Tensor)forward.Invoke(loss, new object[] { input, target, extra })!;
    }

    /// <summary>Class indices become int64; one-hot and binary targets float64.</summary>
    private static Tensor MakeTarget(GoldenFile file)
    {
        var target = file.Target;
        return MappingHelpers.TargetIsIndices(file)
            ? tensor(target.Values.Select(v => (long)v).ToArray(), target.Shape, ScalarType.Int64)
            : tensor(target.Values, target.Shape, ScalarType.Float64);
    }

    private static bool Close(double actual, double expected, double tolerance) =>
        Math.Abs(actual - expected) <= tolerance * Math.Max(1.0, Math.Abs(expected));
}
