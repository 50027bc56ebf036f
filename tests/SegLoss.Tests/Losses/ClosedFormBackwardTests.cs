using System;
using System.Collections.Generic;
using System.Linq;
using SegLoss.Conformance;
using SegLoss.Runtime.Kernels.Statistics;
using SegLoss.Tests.Infrastructure;
using static TorchSharp.torch;

namespace SegLoss.Tests.Losses;

/// <summary>
/// The closed-form backward against TorchSharp autograd on the same declaration (<c>Backward = BackwardMode.Autograd</c>),
/// in float64 to 1e-10 relative: every catalog term under each activation and target format, and random [Term]s, through
/// the CPU kernel (class indices on the CPU) and through the tensor path.
/// </summary>
public sealed class ClosedFormBackwardTests
{
    /// <summary>Catalog declarations: each option that changes the formula, and the three activations.</summary>
    private static readonly string[] Catalog =
    {
        "[SegLoss] [Dice]",
        "[SegLoss(IncludeBackground = false, BatchStatistics = true)] [Dice(Squared = true, SmoothNumerator = 0.5)]",
        "[SegLoss(Activation.Sigmoid)] [Dice]",
        "[SegLoss(Activation.None)] [Dice] [IoU]",
        "[SegLoss] [CrossEntropy(LabelSmoothing = 0.1)]",
        "[SegLoss(ClassWeights = new[] { 0.2, 0.3, 0.5 })] [CrossEntropy] [Dice]",
        "[SegLoss] [Focal(Gamma = 2)]",
        "[SegLoss(ClassWeights = new[] { 0.25, 0.75, 0.75 })] [Focal(Gamma = 0.5)]",
        "[SegLoss(Activation.Sigmoid, ClassWeights = new[] { 0.4, 0.6, 1.0 })] [Focal(Gamma = 1.5, Alpha = 0.25)]",
        "[SegLoss] [Dice] [Focal(Activation = Activation.Sigmoid, Gamma = 2)]",
        "[SegLoss] [IoU] [Tversky(Alpha = 0.3, Beta = 0.7)]",
        "[SegLoss] [FocalTversky]",
        "[SegLoss(IncludeBackground = false)] [FocalTversky(Exponent = FocalTverskyExponent.AfterMean, Gamma = 1.5)]",
        "[SegLoss] [GeneralizedDice]",
        "[SegLoss(BatchStatistics = true)] [GeneralizedDice(Weighting = GeneralizedDiceWeighting.Simple)]",
        "[SegLoss] [PenaltyGeneralizedDice]",
        "[SegLoss] [SensitivitySpecificity] [AsymmetricSimilarity]",
        "[SegLoss(Activation.Sigmoid)] [LogCoshDice] [MatthewsCorrelation]",
        "[SegLoss] [ExpLog]",
        "[SegLoss] [TopK(Percent = 30)] [Dice]",
        "[SegLoss(Activation.Sigmoid)] [BinaryCrossEntropy(LabelSmoothing = 0.1, PositiveWeight = 2.0)] [BalancedCrossEntropy] [Combo]",
        "[SegLoss] [LovaszSoftmax] [LovaszSoftmax(Classes = LovaszClasses.All, BatchStatistics = false)]",
        "[SegLoss(Activation.Sigmoid)] [LovaszHinge]",
        "[SegLoss] [Boundary] [Dice]",
        "[SegLoss] [DistancePenalizedCrossEntropy] [DistanceWeightedDice]",
        "[SegLoss(Reduction = Reduction.None)] [Dice] [CrossEntropy]",
        "[SegLoss(Reduction = Reduction.Sum, IgnoreIndex = 2)] [Dice] [Focal]",
        "[SegLoss(Activation.Sigmoid)] [Dice] [Blob]",
        "[SegLoss(IncludeBackground = false, ClassWeights = new[] { 0.5, 1.0, 2.0 })] [Dice] [Tversky(Alpha = 0.3, Beta = 0.7)] [Blob(Connectivity = InstanceConnectivity.Face, MainWeight = 1, BlobWeight = 3)]",
        "[SegLoss(Activation.Sigmoid)] [BinaryCrossEntropy] [FocalTversky] [Blob(Masking = BlobMasking.Logits)]",
        "[SegLoss(Reduction = Reduction.None, IgnoreIndex = 2)] [Term(\"1 - (sumx(p * exp(p * y)) + 1) / (sumx(p) + sumx(y) + 1)\")] [Blob]",
    };

    public static IEnumerable<object[]> CatalogCases() => Catalog.Select((_, i) => new object[] { i });

    public static IEnumerable<object[]> RandomCases() => Enumerable.Range(0, RandomTerms.Length).Select(i => new object[] { i });

    private static readonly string[] RandomTerms = RandomTermGenerator.Make(count: 24, seed: 7);

    private static readonly Lazy<DeclarationCompiler.Result> Compiled = new(() =>
    {
        var sources = new Dictionary<string, string>();
        void Add(string name, string declaration)
        {
            sources[name] = $"{declaration}\npublic partial class {name} {{ }}";
            sources[name + "Autograd"] = $"{ForceAutograd(declaration)}\npublic partial class {name}Autograd {{ }}";
        }

        for (var i = 0; i < Catalog.Length; i++)
        {
            Add("Catalog" + i, Catalog[i]);
        }

        for (var i = 0; i < RandomTerms.Length; i++)
        {
            Add("Random" + i, $"[SegLoss(ClassWeights = new[] {{ 0.5, 1.0, 2.0 }})] [Term(\"{RandomTerms[i]}\")]");
            Add("RandomSigmoid" + i, $"[SegLoss(Activation.Sigmoid)] [Term(\"{RandomTerms[i]}\")]");
        }

        return DeclarationCompiler.Compile(sources);
    });

    [Theory]
    [MemberData(nameof(CatalogCases))]
    public void Catalog_terms_take_the_closed_form_and_match_autograd(int index) => CheckAllTargets("Catalog" + index, Catalog[index]);

    [Theory]
    [MemberData(nameof(RandomCases))]
    public void Random_terms_match_autograd(int index)
    {
        CheckAllTargets("Random" + index, RandomTerms[index]);
        CheckAllTargets("RandomSigmoid" + index, RandomTerms[index]);
    }

    [Fact]
    public void The_random_terms_are_varied_and_all_compile()
    {
        Assert.Empty(Compiled.Value.Errors);
        Assert.Equal(RandomTerms.Length, RandomTerms.Distinct().Count());
        Assert.Contains(RandomTerms, t => t.Contains("logpt", StringComparison.Ordinal));
        Assert.Contains(RandomTerms, t => t.Contains("sumx", StringComparison.Ordinal));
    }

    [Fact]
    public void Spatial_operators_keep_autograd_and_say_why()
    {
        var harness = GeneratorHarness.For("[SegLoss] [ClDice] public partial class Skeleton { }");
        var source = harness.Source("Skeleton.g.cs");
        Assert.Contains("The gradient is TorchSharp autograd's: a spatial operator (skel, herode, lmean, lstd, abovemax, contour) reads other pixels.", source);
        Assert.DoesNotContain("StatisticsBackward", source);
    }

    private static void CheckAllTargets(string name, string what)
    {
        var compiled = Compiled.Value;
        Assert.True(compiled.Types.ContainsKey(name), compiled.Errors.GetValueOrDefault(name) ?? name);
        var backward = compiled.Types[name].GetMethod("StatisticsBackward", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance);
        Assert.True(backward is not null, $"{what} has no closed-form backward");
        Assert.Null(compiled.Types[name + "Autograd"].GetMethod("StatisticsBackward", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance));
        using var scope = NewDisposeScope();
        using var closedForm = DeclarationCompiler.Instantiate(compiled.Types[name]);
        using var autograd = DeclarationCompiler.Instantiate(compiled.Types[name + "Autograd"]);
        var labels = LossHarness.Labels(new long[] { 2, 6, 5 }, 3, seed: 11);
        var logits = LossHarness.Logits(labels, 3, seed: 3);
        var ignoring = labels.clone();
        ignoring[0, 0, 0] = tensor(2L); // the ignore index of the declaration that has one, a class elsewhere
        var soft = (LossHarness.OneHot(labels, 3) * 0.8 + 0.2 / 3).contiguous();
        foreach (var (target, format) in new[] { (ignoring, "class indices"), (LossHarness.OneHot(labels, 3), "one-hot"), (soft, "soft labels") })
        {
            Func<Tensor, Tensor> Loss(TorchSharp.Loss<Tensor, Tensor, Tensor> loss) => x =>
            {
                var value = loss.call(x, target);
                return value.dim() == 0 ? value : (value * arange(1, value.numel() + 1, ScalarType.Float64)).sum();
            };

            var (targetBefore, logitsBefore) = (target.clone(), logits.clone());
            var expected = LossHarness.ValueAndGradient(Loss(autograd), logits);
            AssertClose(expected, LossHarness.ValueAndGradient(Loss(closedForm), logits), $"{what}, {format}");
            using (StatisticsKernel.TensorPathOnly())
            {
                AssertClose(expected, LossHarness.ValueAndGradient(Loss(closedForm), logits), $"{what}, {format}, tensor path");
                using var leaf = logits.clone().requires_grad_(true);
                Loss(closedForm)(leaf).backward();
                Assert.True(leaf.detach().equal(logitsBefore).all().item<bool>(), $"{what}, {format}: the backward wrote into the input");
            }

            // The backward writes into tensors it made, never into the caller's.
            Assert.True(target.equal(targetBefore).all().item<bool>(), $"{what}, {format}: the target was written into");
            Assert.True(logits.equal(logitsBefore).all().item<bool>(), $"{what}, {format}: the logits were written into");
        }
    }

    private static void AssertClose((double Value, double[] Gradient) expected, (double Value, double[] Gradient) actual, string what)
    {
        // Relative: the paths sum the same terms in different orders (a value of 142 differs in its 14th digit).
        Assert.True(
            Math.Abs(expected.Value - actual.Value) <= 1e-12 * Math.Max(1, Math.Abs(expected.Value)),
            $"{what}: value {actual.Value:R}, expected {expected.Value:R}");
        var scale = Math.Max(1e-300, expected.Gradient.Max(Math.Abs));
        for (var i = 0; i < expected.Gradient.Length; i++)
        {
            var error = Math.Abs(expected.Gradient[i] - actual.Gradient[i]) / Math.Max(scale, Math.Abs(expected.Gradient[i]));
            Assert.True(error < 1e-10, $"{what}: gradient[{i}] {actual.Gradient[i]} != {expected.Gradient[i]}");
        }
    }

    private static string ForceAutograd(string declaration)
    {
        if (!declaration.StartsWith("[SegLoss(", StringComparison.Ordinal))
        {
            return "[SegLoss(Backward = BackwardMode.Autograd)" + declaration["[SegLoss".Length..];
        }

        var end = declaration.IndexOf(")]", StringComparison.Ordinal);
        return declaration[..end] + ", Backward = BackwardMode.Autograd" + declaration[end..];
    }
}
