namespace SegLoss.Runtime.Distance;

/// <summary>
/// How a reference turns a binary mask into the distance map its loss uses. Notation, per volume: <c>m</c> the mask
/// (1 on foreground), <c>in = edt(m)</c> (on foreground, the distance to the nearest background voxel; 0 on background),
/// <c>out = edt(1 - m)</c> (on background, the distance to the nearest foreground voxel; 0 on foreground), both with the
/// spacing and the <see cref="AllForegroundPolicy"/> of the call.
/// </summary>
public enum DistanceMapConvention
{
    /// <summary>
    /// Kervadec et al.'s boundary loss (LIVIA-ETS/boundary-loss <c>utils.one_hot2dist</c>, also used by SegLossOdyssey's
    /// <c>BDLoss</c>): <c>out * (1 - m) - (in - 1) * m</c>, i.e. the distance to the object outside it and
    /// <c>1 - in</c> inside it (0 on the inner boundary layer, negative deeper in); the <c>1</c> is not scaled by the
    /// spacing. All zeros for a volume without foreground (an absent class). For a volume without background, inside
    /// is <c>1 - in</c> with <c>in</c> from the <see cref="AllForegroundPolicy"/> (by default 0 on the image border
    /// layer, negative inwards; the reference gets scipy's value, <see cref="AllForegroundPolicy.ScipyVirtualPoint"/>).
    /// </summary>
    KervadecSigned,

    /// <summary>
    /// SegLossOdyssey's <c>HausdorffDTLoss.distance_field</c> (losses_pytorch/hausdorff.py, after Karimi and
    /// Salcudean): the unsigned field <c>in + out</c> (the distance to the nearest voxel of the other kind, on both
    /// sides of the boundary); all zeros for a volume without foreground. For a volume without background it is
    /// <c>in</c> under the <see cref="AllForegroundPolicy"/> (the reference gets scipy's value). SegLossOdyssey's
    /// <c>compute_edts_forhdloss</c> (boundary_loss.py) is the same field without the zero case.
    /// </summary>
    SegLossOdysseyHausdorff,

    /// <summary>
    /// MONAI's <c>HausdorffDTLoss.distance_field</c> (monai/losses/hausdorff_loss.py): the unsigned field
    /// <c>in + out</c>, and all zeros for a volume that is entirely background or entirely foreground (so the
    /// <see cref="AllForegroundPolicy"/> never matters).
    /// </summary>
    MonaiHausdorff,

    /// <summary>
    /// SegLossOdyssey's <c>compute_edts_forPenalizedLoss</c> (DistBinaryDiceLoss, DisPenalizedCE; the losses add 1):
    /// <c>P / max P + N / max N</c> with <c>P = (max in - in) * m</c> and <c>N = (max out - out) * (1 - m)</c>, maxima over
    /// the volume: 1 at the boundary layer of each side, falling to 0 at the points furthest from it. Where the
    /// reference divides 0 by 0 (a side with no voxel, or whose voxels are all equally far from the boundary, such as a
    /// one-voxel-thin structure) and returns NaN, that side's term is 0 here. With
    /// <see cref="AllForegroundPolicy.Infinity"/>, an all-foreground volume gives NaN (inf - inf), as the formula says.
    /// </summary>
    SegLossOdysseyPenalized,
}
