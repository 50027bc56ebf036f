using SegLoss;

// Declarations compiled by the SegLoss generator as an analyzer, the way users write them.
namespace SegLoss.Tests.Declarations;

[SegLoss(Activation.Softmax)]
[Dice]
public partial class SoftmaxDice { }

[SegLoss(Activation.Softmax)]
[Dice(Squared = true, SmoothNumerator = 0.5, SmoothDenominator = 0.25)]
public partial class SquaredDice { }

[SegLoss(Activation.Softmax, IncludeBackground = false, BatchStatistics = true)]
[Dice]
public partial class BatchDiceWithoutBackground { }

[SegLoss(Activation.Sigmoid)]
[Dice]
public partial class SigmoidDice { }

[SegLoss(Activation.Softmax)]
[CrossEntropy]
public partial class CrossEntropyLoss { }

[SegLoss(Activation.Softmax, ClassWeights = new[] { 0.2, 0.3, 0.5 })]
[CrossEntropy(LabelSmoothing = 0.1)]
public partial class WeightedSmoothedCrossEntropy { }

[SegLoss(Activation.Softmax)]
[Focal(Gamma = 2)]
public partial class SoftmaxFocal { }

[SegLoss(Activation.Softmax)]
[Focal(Gamma = 0.5)]
public partial class SoftmaxFocalGammaHalf { }

[SegLoss(Activation.Softmax)]
[Focal(Gamma = 0)]
public partial class SoftmaxFocalGammaZero { }

[SegLoss(Activation.Sigmoid, ClassWeights = new[] { 0.4, 0.6, 1.0 })]
[Focal(Gamma = 1.5, Alpha = 0.25)]
public partial class SigmoidFocal { }

[SegLoss(Activation.Sigmoid)]
[Focal(Gamma = 0.5)]
public partial class SigmoidFocalGammaHalf { }

[SegLoss(Activation.Softmax, IncludeBackground = false, IgnoreIndex = 255)]
[Dice]
[CrossEntropy]
public partial class DiceCE { }

[SegLoss(Activation.Softmax)]
[Dice(Weight = 0.7)]
[Focal(Activation = Activation.Sigmoid, Gamma = 2, Weight = 1.3)]
public partial class DiceSigmoidFocal { }

[SegLoss(Activation.Softmax, BatchStatistics = true)]
[Term("topk(-logpt, k)")]
[Param("k", 10)]
public partial class TopKCrossEntropy { }

[SegLoss(Activation.Softmax)]
[Term("1 - (TP + s) / (TP + alpha*FP + beta*FN + s)", Name = "tversky")]
[Param("s", 1e-5)]
[Param("alpha", 0.3)]
[Param("beta", 0.7)]
public partial class CustomTversky { }

[SegLoss(Activation.Softmax)]
[Term("1 - (2*TP + s) / (2*TP + FP + FN + s)")]
[Param("s", 1e-5)]
[Focal(Gamma = 2, Weight = 0.5)]
public partial class MyDiceFocal { }

/// <summary>Every kind of statistic at once: squared sums, a pixel class sum, a mean over classes, a comparison.</summary>
[SegLoss(Activation.Softmax, ClassWeights = new[] { 1.0, 2.0, 0.5 })]
[Term("sumc(w * (1 - (2*sumx((p*y)^2) + 1) / (P2 + G2 + 1)) * (G > 0)) / sumc(w)", Name = "shape")]
[Term("meanx(-sumc(y * logp) * exp(-meanc(p * y)))", Name = "pixel", Weight = 0.5)]
public partial class KitchenSink { }

[SegLoss(Activation.Softmax)]
[IoU]
public partial class SoftmaxIoU { }

[SegLoss(Activation.Softmax, ClassWeights = new[] { 1.0, 2.0, 0.5 })]
[Tversky(Alpha = 0.3, Beta = 0.7)]
public partial class WeightedTversky { }

[SegLoss(Activation.Softmax)]
[FocalTversky]
public partial class FocalTverskyPerClass { }

[SegLoss(Activation.Softmax, IncludeBackground = false)]
[FocalTversky(Exponent = FocalTverskyExponent.AfterMean, Gamma = 1.5)]
public partial class FocalTverskyAfterMean { }

[SegLoss(Activation.Softmax)]
[GeneralizedDice]
public partial class GeneralizedDiceSquare { }

[SegLoss(Activation.Softmax, IncludeBackground = false, BatchStatistics = true)]
[GeneralizedDice(Weighting = GeneralizedDiceWeighting.Simple, EmptyClass = GeneralizedDiceEmptyClass.Zero)]
public partial class GeneralizedDiceSimple { }

[SegLoss(Activation.Softmax)]
[PenaltyGeneralizedDice]
public partial class PenaltyGeneralizedDice { }

[SegLoss(Activation.Softmax)]
[SensitivitySpecificity]
[AsymmetricSimilarity(Weight = 0.5)]
public partial class SensitivityAndAsymmetric { }

[SegLoss(Activation.Sigmoid)]
[LogCoshDice]
[MatthewsCorrelation]
public partial class LogCoshAndMcc { }

[SegLoss(Activation.Softmax, ClassWeights = new[] { 0.5, 1.0, 2.0 })]
[ExpLog]
public partial class ExpLogLoss { }

[SegLoss(Activation.Softmax)]
[TopK(Percent = 30)]
[Dice]
public partial class DiceTopK { }

[SegLoss(Activation.Sigmoid)]
[BinaryCrossEntropy(LabelSmoothing = 0.1, PositiveWeight = 2.0)]
[BalancedCrossEntropy]
[Combo]
public partial class BinaryCrossEntropies { }

[SegLoss(Activation.Softmax)]
[LovaszSoftmax]
[LovaszSoftmax(Classes = LovaszClasses.All, BatchStatistics = false, Weight = 0.5)]
public partial class LovaszSoftmaxLosses { }

[SegLoss(Activation.Sigmoid)]
[LovaszHinge]
public partial class LovaszHingeLoss { }

[SegLoss(Activation.Softmax, IncludeBackground = false)]
[ClDice(Iterations = 2)]
[Dice]
public partial class ClDiceLoss { }

[SegLoss(Activation.Sigmoid)]
[Dice]
[Blob]
public partial class BlobDice { }

[SegLoss(Activation.Sigmoid)]
[Dice]
[Blob(Masking = BlobMasking.Logits, MainWeight = 1, BlobWeight = 3)]
public partial class BlobDiceLogitMasking { }

[SegLoss(Activation.None)]
[Dice]
public partial class ProbabilityDice { }

/// <summary>A statistic that reads y through a function (Σ p·exp(p·y)): its value at y = 0 (p) is not the statistic.</summary>
[SegLoss(Activation.Sigmoid)]
[Term("1 - (sumx(p * exp(p * y)) + 1) / (sumx(p) + sumx(y) + 1)")]
[Blob]
public partial class BlobOfATermReadingYThroughAFunction { }

[SegLoss(Activation.Sigmoid)]
[Term("1 - (sumx(p * exp(p * y)) + 1) / (sumx(p) + sumx(y) + 1)")]
public partial class TermReadingYThroughAFunction { }

[SegLoss(Activation.None)]
[Term("1 - (sumx(p * exp(p * y)) + 1) / (sumx(p) + sumx(y) + 1)")]
public partial class ProbabilityTermReadingYThroughAFunction { }

[SegLoss(Activation.Softmax, IncludeBackground = false)]
[Dice]
[Tversky(Alpha = 0.3, Beta = 0.7)]
[Blob(Connectivity = InstanceConnectivity.Face)]
public partial class MultiClassBlob { }

[SegLoss(Activation.Softmax)]
[Dice]
[Boundary]
public partial class DiceBoundary { }

[SegLoss(Activation.Softmax)]
[HausdorffDT]
[HausdorffDT(Log = true, Alpha = 1.5, Weight = 0.5)]
public partial class HausdorffDTLosses { }

[SegLoss(Activation.Sigmoid)]
[HausdorffErosion(Erosions = 3)]
public partial class HausdorffErosionLoss { }

[SegLoss(Activation.Softmax)]
[DistancePenalizedCrossEntropy]
[DistanceWeightedDice]
public partial class DistancePenalizedLosses { }

/// <summary>Every distance quantity in a custom term, on an anisotropic grid.</summary>
[SegLoss(Activation.Softmax, Spacing = new[] { 1.0, 2.5 }, DistanceField = DistanceField.SegLossOdyssey)]
[Term("meanx(sumc(p * sdist) + (p - y)^2 * (dist + pdist) + penalty * y * logp)", Name = "distances")]
public partial class AnisotropicDistances { }

[SegLoss(Activation.Sigmoid)]
[Boundary]
public partial class SigmoidBoundary { }

[SegLoss(Activation.Softmax)]
[StructuralSimilarity]
public partial class StructuralSimilarityLoss { }

[SegLoss(Activation.Sigmoid)]
[StructuralSimilarity(Beta = 0.2, Window = 5)]
public partial class SigmoidStructuralSimilarity { }

/// <summary>The paper's training loss: cross-entropy plus the structural similarity loss, per sample, without background.</summary>
[SegLoss(Activation.Softmax, IncludeBackground = false, BatchStatistics = false)]
[CrossEntropy]
[StructuralSimilarity(BatchStatistics = false)]
public partial class CrossEntropyAndStructuralSimilarity { }

[SegLoss(Activation.Sigmoid)]
[BinaryCrossEntropy]
[Blob]
public partial class BlobBinaryCrossEntropy { }

[SegLoss]
[ShapeAware]
public partial class ShapeAwareSoftmax { }

[SegLoss(Activation.Sigmoid)]
[ShapeAware]
public partial class ShapeAwareSigmoid { }

/// <summary>log(1 - pt) read directly (not through a power that hides -∞ at saturation), for the CPU kernel's fallback.</summary>
[SegLoss]
[Term("meanx(-sumc(y*log(1 - p)))", Name = "complement")]
public partial class SoftmaxLogComplement { }

/// <summary>TopK over the batch with ignored pixels: they are left out of the selection and get no gradient.</summary>
[SegLoss(Activation.Softmax, IgnoreIndex = 255, BatchStatistics = true)]
[Dice]
[TopK(Percent = 20)]
public partial class DiceTopKIgnoring { }
