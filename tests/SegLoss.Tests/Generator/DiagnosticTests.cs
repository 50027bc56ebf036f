using System.Linq;
using Microsoft.CodeAnalysis;
using SegLoss.Tests.Infrastructure;

namespace SegLoss.Tests.Generator;

/// <summary>
/// Each diagnostic with its location. Markup <c>[|...|]</c> in a source marks the span the diagnostic must cover;
/// a declaration with an error produces no generated file.
/// </summary>
public sealed class DiagnosticTests
{
    private static Diagnostic Single(string markup, string id)
    {
        var start = markup.IndexOf("[|", System.StringComparison.Ordinal);
        var end = markup.IndexOf("|]", System.StringComparison.Ordinal) - 2;
        var source = markup.Replace("[|", "").Replace("|]", "");
        var harness = GeneratorHarness.For(source);
        var diagnostic = Assert.Single(harness.Diagnostics, d => d.Severity == DiagnosticSeverity.Error || d.Id == id);
        Assert.Equal(id, diagnostic.Id);
        var offset = "using SegLoss;\n".Length;
        Assert.Equal(source.Substring(start, end - start), source.Substring(diagnostic.Location.SourceSpan.Start - offset, diagnostic.Location.SourceSpan.Length));
        if (diagnostic.Severity == DiagnosticSeverity.Error)
        {
            Assert.Empty(harness.HintNames);
        }

        return diagnostic;
    }

    [Fact]
    public void Class_not_partial() => Single(
        """
        [SegLoss] [Dice]
        public class [|Plain|] { }
        """,
        "SEGL001");

    [Fact]
    public void Containing_type_not_partial() => Single(
        """
        public class Outer
        {
            [SegLoss] [Dice]
            public partial class [|Inner|] { }
        }
        """,
        "SEGL001");

    [Fact]
    public void No_terms() => Single(
        """
        [[|SegLoss(Activation.Softmax)|]]
        public partial class Empty { }
        """,
        "SEGL002");

    [Fact]
    public void Generic_class() => Single(
        """
        [SegLoss] [Dice]
        public partial class [|Generic|]<T> { }
        """,
        "SEGL003");

    [Fact]
    public void Syntax_error_points_at_the_column()
    {
        var diagnostic = Single(
            """
            [SegLoss] [Term("1 - (2*TP + [|)|] / P")]
            public partial class Broken { }
            """,
            "SEGL010");
        Assert.Contains("column 13", diagnostic.GetMessage());
    }

    [Fact]
    public void Unknown_identifier() => Single(
        """
        [SegLoss] [Term("1 - [|TPx|] / P")]
        public partial class Unknown { }
        """,
        "SEGL011");

    [Fact]
    public void Pixel_quantity_combined_with_statistics() => Single(
        """
        [SegLoss] [Term("TP * [|p|]")]
        public partial class Mixed { }
        """,
        "SEGL012");

    [Fact]
    public void Aggregation_of_a_statistic() => Single(
        """
        [SegLoss] [Term("sumx([|TP|])")]
        public partial class Twice { }
        """,
        "SEGL013");

    [Fact]
    public void Topk_of_per_class_values() => Single(
        """
        [SegLoss] [Term("topk([|logp|], 10)")]
        public partial class PerClassTopK { }
        """,
        "SEGL013");

    [Fact]
    public void Contour_of_a_map_without_classes() => Single(
        """
        [SegLoss] [Term("meanx(contour([|pt|]))")]
        public partial class ContourOfPt { }
        """,
        "SEGL013");

    [Fact]
    public void Wrong_arity() => Single(
        """
        [SegLoss] [Term("[|max(P)|]")]
        public partial class Arity { }
        """,
        "SEGL013");

    [Fact]
    public void Constant_term() => Single(
        """
        [SegLoss] [Term("[|2 * s|]")] [Param("s", 1)]
        public partial class Constant { }
        """,
        "SEGL014");

    [Fact]
    public void Negative_weight() => Single(
        """
        [SegLoss] [Dice([|Weight = -1|])]
        public partial class NegativeWeight { }
        """,
        "SEGL020");

    [Fact]
    public void Negative_gamma() => Single(
        """
        [SegLoss] [Focal([|Gamma = -0.5|])]
        public partial class NegativeGamma { }
        """,
        "SEGL020");

    [Fact]
    public void Negative_smoothing() => Single(
        """
        [SegLoss] [Dice([|SmoothDenominator = -1e-5|])]
        public partial class NegativeSmoothing { }
        """,
        "SEGL020");

    [Fact]
    public void Label_smoothing_above_one() => Single(
        """
        [SegLoss] [CrossEntropy([|LabelSmoothing = 1.5|])]
        public partial class TooSmooth { }
        """,
        "SEGL020");

    [Fact]
    public void Even_structural_similarity_window() => Single(
        """
        [SegLoss] [StructuralSimilarity([|Window = 4|])]
        public partial class EvenWindow { }
        """,
        "SEGL020");

    [Fact]
    public void Zero_structural_similarity_constant() => Single(
        """
        [SegLoss] [StructuralSimilarity([|C4 = 0|])]
        public partial class ZeroConstant { }
        """,
        "SEGL020");

    [Fact]
    public void Structural_similarity_threshold_above_one() => Single(
        """
        [SegLoss] [StructuralSimilarity([|Beta = 1.5|])]
        public partial class HighThreshold { }
        """,
        "SEGL020");

    [Fact]
    public void Negative_class_weight() => Single(
        """
        [SegLoss([|ClassWeights = new[] { 1.0, -2.0 }|])] [Dice]
        public partial class NegativeClassWeight { }
        """,
        "SEGL020");

    [Fact]
    public void Duplicate_parameter() => Single(
        """
        [SegLoss] [Term("1 - (2*TP + s) / (P + G + s)")] [Param("s", 1)] [Param([|"s"|], 2)]
        public partial class Twice { }
        """,
        "SEGL021");

    [Fact]
    public void Parameter_named_like_a_constructor_option() => Single(
        """
        [SegLoss] [Term("1 - (2*TP + reduction) / (P + G + reduction)")] [Param([|"reduction"|], 1)]
        public partial class Clash { }
        """,
        "SEGL021");

    [Fact]
    public void Two_terms_with_one_name() => Single(
        """
        [SegLoss] [Dice(Name = "d")] [Focal([|Name = "d"|])]
        public partial class SameName { }
        """,
        "SEGL021");

    [Fact]
    public void Parameter_named_like_a_quantity() => Single(
        """
        [SegLoss] [Term("1 - TP / P")] [Param([|"pt"|], 1)]
        public partial class Reserved { }
        """,
        "SEGL023");

    [Fact]
    public void Cross_entropy_with_a_sigmoid() => Single(
        """
        [SegLoss(Activation.Sigmoid)] [[|CrossEntropy|]]
        public partial class SigmoidCrossEntropy { }
        """,
        "SEGL022");

    [Fact]
    public void Focal_alpha_with_a_softmax() => Single(
        """
        [SegLoss(Activation.Softmax)] [[|Focal(Alpha = 0.25)|]]
        public partial class SoftmaxAlpha { }
        """,
        "SEGL022");

    [Fact]
    public void Own_activation_without_logits() => Single(
        """
        [SegLoss(Activation.None)] [Focal([|Activation = Activation.Sigmoid|])]
        public partial class NoLogits { }
        """,
        "SEGL022");

    [Fact]
    public void Blob_of_a_term_that_is_not_per_class() => Single(
        """
        [SegLoss] [Dice] [[|CrossEntropy|]] [Blob]
        public partial class BlobCrossEntropy { }
        """,
        "SEGL025");

    [Fact]
    public void Unused_parameter_is_a_warning()
    {
        var harness = GeneratorHarness.For(
            """
            [SegLoss] [Dice] [Param("unused", 1)]
            public partial class Unused { }
            """);
        var diagnostic = Assert.Single(harness.Diagnostics);
        Assert.Equal("SEGL024", diagnostic.Id);
        Assert.Equal(DiagnosticSeverity.Warning, diagnostic.Severity);
        Assert.Single(harness.HintNames);
    }

    [Fact]
    public void Missing_runtime_reference()
    {
        var compilation = Microsoft.CodeAnalysis.CSharp.CSharpCompilation.Create(
            "NoRuntime",
            new[] { Microsoft.CodeAnalysis.CSharp.CSharpSyntaxTree.ParseText("using SegLoss;\n[SegLoss] [Dice] public partial class Lonely { }") },
            Basic.Reference.Assemblies.Net80.References.All.Append(MetadataReference.CreateFromFile(typeof(SegLossAttribute).Assembly.Location)),
            new Microsoft.CodeAnalysis.CSharp.CSharpCompilationOptions(OutputKind.DynamicallyLinkedLibrary));
        var run = Microsoft.CodeAnalysis.CSharp.CSharpGeneratorDriver
            .Create(new SegLoss.Generator.SegLossGenerator())
            .RunGenerators(compilation)
            .GetRunResult();
        var diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal("SEGL004", diagnostic.Id);
        Assert.Empty(run.GeneratedTrees);
    }

    [Fact]
    public void Every_descriptor_is_tested()
    {
        var ids = typeof(DiagnosticTests).GetMethods()
            .Where(m => m.GetCustomAttributes(typeof(FactAttribute), false).Length > 0)
            .ToList();
        // SEGL099 (internal error) only appears when the generator has a bug, so no declaration can trigger it.
        var descriptors = typeof(SegLoss.Generator.Diagnostics.DiagnosticDescriptors)
            .GetFields()
            .Select(f => ((DiagnosticDescriptor)f.GetValue(null)!).Id)
            .Where(id => id != "SEGL099")
            .ToList();
        var source = System.IO.File.ReadAllText(System.IO.Path.Combine(TestPaths.TestsDirectory, "Generator", "DiagnosticTests.cs"));
        Assert.All(descriptors, id => Assert.Contains($"\"{id}\"", source));
        Assert.NotEmpty(ids);
    }
}
