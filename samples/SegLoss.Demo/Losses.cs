using SegLoss;

namespace SegLoss.Demo;

/// <summary>MONAI's DiceCELoss with the background left out of Dice and label 255 ignored.</summary>
[SegLoss(Activation.Softmax, IncludeBackground = false, IgnoreIndex = 255)]
[Dice]
[CrossEntropy]
public partial class DiceCE
{
}

/// <summary>A Dice written by hand (smooth s in numerator and denominator) plus half a focal loss.</summary>
[SegLoss(Activation.Softmax)]
[Term("1 - (2*TP + s) / (2*TP + FP + FN + s)", Name = "my_dice")]
[Param("s", 1e-5)]
[Focal(Gamma = 2, Weight = 0.5)]
public partial class MyDiceFocal
{
}
