namespace SegLoss.Runtime.Components;

/// <summary>
/// How the labeling work is split; results never depend on it (the numbering is canonical), only speed does.
/// </summary>
/// <param name="MaxDegreeOfParallelism">Threads at most; -1 for the thread pool's choice, 1 for the calling thread only.</param>
/// <param name="SlabVoxels">A sample is cut along axis 0 into slabs of whole planes with at least this many voxels.</param>
/// <param name="SerialBelow">Inputs with fewer voxels in total run on the calling thread.</param>
internal readonly record struct LabelingSettings(int MaxDegreeOfParallelism = -1, int SlabVoxels = 1 << 18, int SerialBelow = 1 << 16)
{
    public static LabelingSettings Default => new(-1);
}
