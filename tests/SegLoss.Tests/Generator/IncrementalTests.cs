using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using SegLoss.Conformance;
using SegLoss.Generator;

namespace SegLoss.Tests.Generator;

/// <summary>The pipeline caches: edits that do not change a declaration stop at the model and re-emit nothing.</summary>
public sealed class IncrementalTests
{
    private const string Declaration = """
        using SegLoss;
        namespace Losses;

        [SegLoss(Activation.Softmax)]
        [Dice]
        [Focal(Gamma = 2)]
        public partial class DiceFocal { }
        """;

    private static (GeneratorDriver Driver, CSharpCompilation Compilation) First()
    {
        var (compilation, _) = DeclarationCompiler.Generate(new[] { Declaration });
        var original = CSharpCompilation.Create("Incremental", compilation.SyntaxTrees.Take(1), compilation.References, compilation.Options);
        GeneratorDriver driver = CSharpGeneratorDriver.Create(
            new[] { new SegLossGenerator().AsSourceGenerator() },
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true),
            parseOptions: (CSharpParseOptions)compilation.SyntaxTrees.First().Options);
        driver = driver.RunGenerators(original);
        return (driver, original);
    }

    private static IncrementalStepRunReason[] Reasons(GeneratorDriver driver, string step) =>
        driver.GetRunResult().Results.Single().TrackedSteps[step]
            .SelectMany(s => s.Outputs)
            .Select(o => o.Reason)
            .ToArray();

    private static GeneratorDriver Edit(GeneratorDriver driver, CSharpCompilation compilation, string newText)
    {
        var tree = compilation.SyntaxTrees.Single();
        var edited = compilation.ReplaceSyntaxTree(tree, tree.WithChangedText(Microsoft.CodeAnalysis.Text.SourceText.From(newText)));
        return driver.RunGenerators(edited);
    }

    [Fact]
    public void A_comment_leaves_model_and_plan_cached()
    {
        var (driver, compilation) = First();
        driver = Edit(driver, compilation, "// a comment above\n" + Declaration + "\npublic class Unrelated { }\n");

        Assert.All(Reasons(driver, TrackingNames.Model), r => Assert.Contains(r, new[] { IncrementalStepRunReason.Cached, IncrementalStepRunReason.Unchanged }));
        Assert.All(Reasons(driver, TrackingNames.Plan), r => Assert.Equal(IncrementalStepRunReason.Cached, r));
    }

    [Fact]
    public void A_changed_parameter_modifies_model_and_plan()
    {
        var (driver, compilation) = First();
        driver = Edit(driver, compilation, Declaration.Replace("Gamma = 2", "Gamma = 3"));

        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(driver, TrackingNames.Model));
        Assert.Contains(IncrementalStepRunReason.Modified, Reasons(driver, TrackingNames.Plan));
    }
}
