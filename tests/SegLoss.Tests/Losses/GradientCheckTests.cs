using System;
using System.Collections.Generic;
using SegLoss.Tests.Declarations;
using SegLoss.Tests.Infrastructure;
using TorchSharp;
using static TorchSharp.torch;

namespace SegLoss.Tests.Losses;

/// <summary>Every built-in term, and custom terms, against central finite differences in float64.</summary>
public sealed class GradientCheckTests
{
    public static IEnumerable<object[]> Losses() => new[]
    {
        new object[] { nameof(SoftmaxDice) },
        new object[] { nameof(SquaredDice) },
        new object[] { nameof(BatchDiceWithoutBackground) },
        new object[] { nameof(SigmoidDice) },
        new object[] { nameof(CrossEntropyLoss) },
        new object[] { nameof(WeightedSmoothedCrossEntropy) },
        new object[] { nameof(SoftmaxFocal) },
        new object[] { nameof(SoftmaxFocalGammaHalf) },
        new object[] { nameof(SigmoidFocal) },
        new object[] { nameof(SigmoidFocalGammaHalf) },
        new object[] { nameof(DiceCE) },
        new object[] { nameof(DiceSigmoidFocal) },
        new object[] { nameof(TopKCrossEntropy) },
        new object[] { nameof(CustomTversky) },
        new object[] { nameof(MyDiceFocal) },
        new object[] { nameof(KitchenSink) },
        new object[] { nameof(SoftmaxIoU) },
        new object[] { nameof(WeightedTversky) },
        new object[] { nameof(FocalTverskyPerClass) },
        new object[] { nameof(FocalTverskyAfterMean) },
        new object[] { nameof(GeneralizedDiceSquare) },
        new object[] { nameof(GeneralizedDiceSimple) },
        new object[] { nameof(PenaltyGeneralizedDice) },
        new object[] { nameof(SensitivityAndAsymmetric) },
        new object[] { nameof(LogCoshAndMcc) },
        new object[] { nameof(ExpLogLoss) },
        new object[] { nameof(DiceTopK) },
        new object[] { nameof(BinaryCrossEntropies) },
        new object[] { nameof(LovaszSoftmaxLosses) },
        new object[] { nameof(LovaszHingeLoss) },
        new object[] { nameof(ClDiceLoss) },
        new object[] { nameof(DiceBoundary) },
        new object[] { nameof(HausdorffDTLosses) },
        new object[] { nameof(DistancePenalizedLosses) },
        new object[] { nameof(AnisotropicDistances) },
        new object[] { nameof(StructuralSimilarityLoss) },
        new object[] { nameof(SigmoidStructuralSimilarity) },
        new object[] { nameof(CrossEntropyAndStructuralSimilarity) },
        new object[] { nameof(ShapeAwareSoftmax) },
        new object[] { nameof(ShapeAwareSigmoid) },
    };

    internal static Loss<Tensor, Tensor, Tensor> Create(string name) => name switch
    {
        nameof(SoftmaxDice) => new SoftmaxDice(),
        nameof(SquaredDice) => new SquaredDice(),
        nameof(BatchDiceWithoutBackground) => new BatchDiceWithoutBackground(),
        nameof(SigmoidDice) => new SigmoidDice(),
        nameof(CrossEntropyLoss) => new CrossEntropyLoss(),
        nameof(WeightedSmoothedCrossEntropy) => new WeightedSmoothedCrossEntropy(),
        nameof(SoftmaxFocal) => new SoftmaxFocal(),
        nameof(SoftmaxFocalGammaHalf) => new SoftmaxFocalGammaHalf(),
        nameof(SigmoidFocal) => new SigmoidFocal(),
        nameof(SigmoidFocalGammaHalf) => new SigmoidFocalGammaHalf(),
        nameof(DiceCE) => new DiceCE(),
        nameof(DiceSigmoidFocal) => new DiceSigmoidFocal(),
        nameof(TopKCrossEntropy) => new TopKCrossEntropy(k: 30),
        nameof(CustomTversky) => new CustomTversky(),
        nameof(MyDiceFocal) => new MyDiceFocal(),
        nameof(KitchenSink) => new KitchenSink(),
        nameof(SoftmaxIoU) => new SoftmaxIoU(),
        nameof(WeightedTversky) => new WeightedTversky(),
        nameof(FocalTverskyPerClass) => new FocalTverskyPerClass(),
        nameof(FocalTverskyAfterMean) => new FocalTverskyAfterMean(),
        nameof(GeneralizedDiceSquare) => new GeneralizedDiceSquare(),
        nameof(GeneralizedDiceSimple) => new GeneralizedDiceSimple(),
        nameof(PenaltyGeneralizedDice) => new PenaltyGeneralizedDice(),
        nameof(SensitivityAndAsymmetric) => new SensitivityAndAsymmetric(),
        nameof(LogCoshAndMcc) => new LogCoshAndMcc(),
        nameof(ExpLogLoss) => new ExpLogLoss(),
        nameof(DiceTopK) => new DiceTopK(),
        nameof(BinaryCrossEntropies) => new BinaryCrossEntropies(),
        nameof(LovaszSoftmaxLosses) => new LovaszSoftmaxLosses(),
        nameof(LovaszHingeLoss) => new LovaszHingeLoss(),
        nameof(ClDiceLoss) => new ClDiceLoss(),
        nameof(DiceBoundary) => new DiceBoundary(),
        nameof(HausdorffDTLosses) => new HausdorffDTLosses(),
        nameof(DistancePenalizedLosses) => new DistancePenalizedLosses(),
        nameof(AnisotropicDistances) => new AnisotropicDistances(),
        nameof(StructuralSimilarityLoss) => new StructuralSimilarityLoss(),
        nameof(SigmoidStructuralSimilarity) => new SigmoidStructuralSimilarity(),
        nameof(CrossEntropyAndStructuralSimilarity) => new CrossEntropyAndStructuralSimilarity(),
        nameof(ShapeAwareSoftmax) => new ShapeAwareSoftmax(),
        nameof(ShapeAwareSigmoid) => new ShapeAwareSigmoid(),
        nameof(SoftmaxLogComplement) => new SoftmaxLogComplement(),
        nameof(DiceTopKIgnoring) => new DiceTopKIgnoring(),
        _ => throw new ArgumentOutOfRangeException(nameof(name), name, null),
    };

    [Theory]
    [MemberData(nameof(Losses))]
    public void Gradient_matches_finite_differences_with_class_indices(string name)
    {
        using var scope = NewDisposeScope();
        using var loss = Create(name);
        var labels = LossHarness.Labels(new long[] { 2, 6, 5 }, 3, seed: 11);
        if (name == nameof(DiceCE))
        {
            labels[0, 0, 0] = tensor(255L);
            labels[1, 2, 3] = tensor(255L);
        }

        var logits = LossHarness.Logits(labels.clamp_max(2), 3, seed: 3);
        LossHarness.CheckGradient(x => loss.call(x, labels), logits);
    }

    [Theory]
    [MemberData(nameof(Losses))]
    public void Gradient_matches_finite_differences_with_soft_labels(string name)
    {
        using var scope = NewDisposeScope();
        using var loss = Create(name);
        var labels = LossHarness.Labels(new long[] { 2, 4, 5 }, 3, seed: 5);
        var soft = (LossHarness.OneHot(labels, 3) * 0.8 + 0.2 / 3).contiguous();
        var logits = LossHarness.Logits(labels, 3, seed: 8);
        LossHarness.CheckGradient(x => loss.call(x, soft), logits);
    }

    [Fact]
    public void Gradient_matches_finite_differences_in_3d()
    {
        using var scope = NewDisposeScope();
        using var loss = new DiceCE();
        var labels = LossHarness.Labels(new long[] { 1, 3, 4, 3 }, 3, seed: 2);
        var logits = LossHarness.Logits(labels, 3, seed: 4);
        LossHarness.CheckGradient(x => loss.call(x, labels.unsqueeze(1)), logits);
    }
}
