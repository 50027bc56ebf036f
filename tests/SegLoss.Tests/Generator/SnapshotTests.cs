using SegLoss.Tests.Infrastructure;

namespace SegLoss.Tests.Generator;

/// <summary>The generated source of representative declarations, reviewed and kept as *.verified.cs files.</summary>
public sealed class SnapshotTests
{
    private static void VerifyGenerated(string source, string hintName, [System.Runtime.CompilerServices.CallerMemberName] string method = "")
    {
        var harness = GeneratorHarness.For(source);
        Assert.Empty(harness.Diagnostics);
        Assert.Empty(harness.CompilationProblems);
        Snapshot.Verify(harness.Source(hintName), name: method);
    }

    [Fact]
    public void DiceCE() => VerifyGenerated(
        """
        namespace Losses;

        [SegLoss(Activation.Softmax, IncludeBackground = false, IgnoreIndex = 255)]
        [Dice]
        [CrossEntropy]
        public partial class DiceCE { }
        """,
        "Losses.DiceCE.g.cs");

    [Fact]
    public void DiceBoundaryOnAnAnisotropicGrid() => VerifyGenerated(
        """
        namespace Losses;

        [SegLoss(Activation.Softmax, IncludeBackground = false, Spacing = new[] { 2.5, 1.0, 1.0 })]
        [GeneralizedDice]
        [Boundary(Weight = 0.01)]
        public partial class DiceBoundary { }
        """,
        "Losses.DiceBoundary.g.cs");

    [Fact]
    public void CrossEntropyAndStructuralSimilarity() => VerifyGenerated(
        """
        namespace Losses;

        [SegLoss(Activation.Softmax)]
        [CrossEntropy]
        [StructuralSimilarity(Beta = 0.1, C4 = 0.01, Window = 3)]
        public partial class StructuralCE { }
        """,
        "Losses.StructuralCE.g.cs");

    [Fact]
    public void CustomDiceAndFocal() => VerifyGenerated(
        """
        namespace Losses;

        [SegLoss(Activation.Softmax)]
        [Term("1 - (2*TP + s) / (2*TP + FP + FN + s)")]
        [Param("s", 1e-5)]
        [Focal(Gamma = 2, Weight = 0.5)]
        public partial class MyDiceFocal { }
        """,
        "Losses.MyDiceFocal.g.cs");

    [Fact]
    public void SigmoidFocalWithClassWeights() => VerifyGenerated(
        """
        namespace Losses;

        [SegLoss(Activation.Sigmoid, ClassWeights = new[] { 0.3, 0.7 }, Reduction = Reduction.Sum)]
        [Focal(Gamma = 1.5, Alpha = 0.25)]
        public partial class SigmoidFocal { }
        """,
        "Losses.SigmoidFocal.g.cs");

    [Fact]
    public void DiceWithSigmoidFocalOfItsOwn() => VerifyGenerated(
        """
        namespace Losses;

        [SegLoss(Activation.Softmax)]
        [Dice(Squared = true)]
        [Focal(Activation = Activation.Sigmoid, Gamma = 2, ClassWeights = new[] { 1.0, 2.0, 3.0 })]
        public partial class MonaiDiceFocal { }
        """,
        "Losses.MonaiDiceFocal.g.cs");

    [Fact]
    public void TopKInANestedClassWithoutNamespace() => VerifyGenerated(
        """
        public static partial class Training
        {
            [SegLoss(Activation.Softmax, BatchStatistics = true)]
            [Term("topk(-logpt, k)", Name = "topk_ce")]
            [Param("k", 10)]
            public partial class TopK { }
        }
        """,
        "Training.TopK.g.cs");

    [Fact]
    public void BlobDice() => VerifyGenerated(
        """
        namespace Losses;

        [SegLoss(Activation.Sigmoid)]
        [Dice]
        [Blob(MainWeight = 2, BlobWeight = 1)]
        public partial class BlobDice { }
        """,
        "Losses.BlobDice.g.cs");
}
