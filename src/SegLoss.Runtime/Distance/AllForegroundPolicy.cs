namespace SegLoss.Runtime.Distance;

/// <summary>
/// What the distance transform returns for a volume that has no background voxel at all, where "the distance to the
/// nearest background voxel" has no answer. A volume with no foreground is no special case: every voxel is
/// background, so every distance is 0.
/// </summary>
/// <remarks>
/// scipy 1.10's <c>distance_transform_edt</c> returns, for such a volume, the distance to the virtual point
/// <c>(-1, 0, ..., 0)</c> just outside the array (an artefact of its feature transform, scipy issues #1616 and #15585),
/// and the loss references (Kervadec's <c>one_hot2dist</c>, SegLossOdyssey's Hausdorff fields) inherit it.
/// SegLoss's default is <see cref="DistanceToImageBorder"/>: finite, so boundary and Hausdorff losses stay finite, and
/// symmetric under flips and axis permutations, unlike scipy's value.
/// </remarks>
public enum AllForegroundPolicy
{
    /// <summary>
    /// The image is taken to be surrounded by background: the distance from voxel <c>i</c> to the nearest point
    /// outside the image, <c>min over axes k of min(i_k + 1, n_k - i_k) * s_k</c> (spacing <c>s</c>). It is the
    /// distance a voxel would have if the object continued beyond the field of view and ended right after it.
    /// The default.
    /// </summary>
    DistanceToImageBorder,

    /// <summary>Every distance is <see cref="double.PositiveInfinity"/> (the infimum over no background voxel).</summary>
    Infinity,

    /// <summary>
    /// scipy 1.10's value, for reproducing references bit for bit: the distance to the virtual point
    /// <c>(-1, 0, ..., 0)</c>, <c>sqrt(((i_0 + 1) * s_0)^2 + sum over k >= 1 of (i_k * s_k)^2)</c>. It depends on which
    /// axis comes first, including size-1 axes: a reference that calls scipy on a <c>(1, H, W)</c> array gets the
    /// virtual point on that size-1 axis, which this reproduces when the size-1 axis is passed as a spatial axis.
    /// </summary>
    ScipyVirtualPoint,
}
