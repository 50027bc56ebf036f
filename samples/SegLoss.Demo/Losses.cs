using SegLoss;

namespace SegLoss.Demo;

// The three losses the demo compares, declared as users declare theirs. The network has one output channel (lesion
// logits) and the targets are binary masks [N, 1, H, W], so every loss applies a sigmoid.

/// <summary>Soft Dice on the lesion channel (MONAI's <c>DiceLoss(sigmoid=True)</c>).</summary>
[SegLoss(Activation.Sigmoid)]
[Dice]
public partial class SoftDice
{
}

/// <summary>Soft Dice plus a sigmoid focal loss with γ = 2 (MONAI's <c>DiceFocalLoss</c> with unit weights).</summary>
[SegLoss(Activation.Sigmoid)]
[Dice]
[Focal(Gamma = 2)]
public partial class DiceFocal
{
}

/// <summary>
/// Blob loss (Kofler et al.) over soft Dice: <c>2·Dice(image) + 1·mean over lesions of Dice(lesion)</c>, each lesion
/// scored with the other lesions masked out; lesions are the 8-connected components of the target.
/// </summary>
[SegLoss(Activation.Sigmoid)]
[Dice]
[Blob]
public partial class BlobDice
{
}
