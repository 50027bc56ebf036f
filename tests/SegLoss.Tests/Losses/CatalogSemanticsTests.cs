using System;
using System.IO;
using System.Linq;
using SegLoss.Conformance;
using SegLoss.Tests.Infrastructure;
using static TorchSharp.torch;

namespace SegLoss.Tests.Losses;

/// <summary>Identities between catalog terms, and built-ins against references they follow up to float32 rounding.</summary>
public sealed class CatalogSemanticsTests
{
    private static double Value(Tensor t) => t.to_type(ScalarType.Float64).item<double>();

    private static double Evaluate(string declaration, Tensor logits, Tensor target)
    {
        var compiled = DeclarationCompiler.Compile(new System.Collections.Generic.Dictionary<string, string> { ["Probe"] = declaration + "\npublic partial class Probe { }" });
        Assert.Empty(compiled.Errors);
        using var loss = DeclarationCompiler.Instantiate(compiled.Types["Probe"]);
        return Value(loss.call(logits, target));
    }

    private static (Tensor Logits, Tensor Labels) Batch()
    {
        var labels = LossHarness.Labels(new long[] { 2, 6, 7 }, 3, seed: 21);
        return (LossHarness.Logits(labels, 3, seed: 22), labels);
    }

    [Fact]
    public void Tversky_with_half_weights_is_Dice_and_focal_Tversky_with_gamma_one_is_Tversky()
    {
        using var scope = NewDisposeScope();
        var (logits, labels) = Batch();
        var dice = Evaluate("[SegLoss] [Dice(SmoothNumerator = 1e-3, SmoothDenominator = 1e-3)]", logits, labels);
        var tversky = Evaluate("[SegLoss] [Tversky(SmoothNumerator = 0.5e-3, SmoothDenominator = 0.5e-3)]", logits, labels);
        Assert.Equal(dice, tversky, 14);

        var plain = Evaluate("[SegLoss] [Tversky(Alpha = 0.3, Beta = 0.7, SmoothNumerator = 1, SmoothDenominator = 1)]", logits, labels);
        var focal = Evaluate("[SegLoss] [FocalTversky(Gamma = 1, Smooth = 1)]", logits, labels);
        Assert.Equal(plain, focal, 14);
    }

    [Fact]
    public void Tversky_weights_affect_only_their_own_error()
    {
        using var scope = NewDisposeScope();
        var labels = zeros(new long[] { 1, 8 }, ScalarType.Int64);
        labels[0, TensorIndex.Slice(0, 4)] = tensor(1L);
        var allPositive = tensor(new[] { -9.0, 9.0 }).view(1, 2, 1).expand(1, 2, 8).contiguous(); // predicts class 1 everywhere
        string Loss(double alpha, double beta) => $"[SegLoss(IncludeBackground = false)] [Tversky(Alpha = {alpha}, Beta = {beta})]";

        // Class 1 has only false positives here: beta (false negatives) changes nothing, alpha does.
        Assert.Equal(Evaluate(Loss(0.3, 0.1), allPositive, labels), Evaluate(Loss(0.3, 0.9), allPositive, labels), 6);
        Assert.NotEqual(Evaluate(Loss(0.1, 0.5), allPositive, labels), Evaluate(Loss(0.9, 0.5), allPositive, labels), 3);
    }

    [Fact]
    public void Generalized_Dice_with_uniform_weights_over_one_class_is_Dice()
    {
        using var scope = NewDisposeScope();
        var (logits, labels) = Batch();
        var sigmoid = logits[TensorIndex.Colon, TensorIndex.Slice(1, 2)].contiguous();
        var binary = labels.eq(1).to_type(ScalarType.Float64).unsqueeze(1);
        var dice = Evaluate("[SegLoss(Activation.Sigmoid)] [Dice(SmoothNumerator = 1e-5, SmoothDenominator = 1e-5)]", sigmoid, binary);
        var generalized = Evaluate("[SegLoss(Activation.Sigmoid)] [GeneralizedDice(Weighting = GeneralizedDiceWeighting.Uniform)]", sigmoid, binary);
        Assert.Equal(dice, generalized, 14);
    }

    [Theory]
    [InlineData("gdice__monai__square__2d.json", "")]
    [InlineData("gdice__monai__square__3d.json", "")]
    [InlineData("gdice__monai__simple_batch_nobg__2d.json", "IncludeBackground = false, BatchStatistics = true")]
    [InlineData("gdice__monai__simple_batch_nobg__3d.json", "IncludeBackground = false, BatchStatistics = true")]
    public void Generalized_Dice_follows_MONAI_up_to_its_float32_weights(string file, string options)
    {
        using var scope = NewDisposeScope();
        var golden = GoldenFile.Load(Path.Combine(TestPaths.Golden, file));
        var input = tensor(golden.Input.Values, golden.Input.Shape, ScalarType.Float64);
        var target = tensor(golden.Target.Values.Select(v => (long)v).ToArray(), golden.Target.Shape, ScalarType.Int64);
        var weighting = file.Contains("simple", StringComparison.Ordinal) ? "Simple" : "Square";
        var head = options.Length == 0 ? "[SegLoss(Activation.Softmax)]" : $"[SegLoss(Activation.Softmax, {options})]";
        var value = Evaluate($"{head} [GeneralizedDice(Weighting = GeneralizedDiceWeighting.{weighting})]", input, target);
        Assert.True(Math.Abs(value - golden.Value) <= 1e-6 * Math.Abs(golden.Value), $"{value} vs {golden.Value}");
    }
}
