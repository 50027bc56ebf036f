using System;

namespace SegLoss.Runtime.Distance;

/// <summary>Options of the Euclidean distance transform and of the maps and metrics built on it.</summary>
public sealed record EdtOptions
{
    private readonly int _maxDegreeOfParallelism = -1;
    private readonly AllForegroundPolicy _allForeground = AllForegroundPolicy.DistanceToImageBorder;

    /// <summary>The options every overload uses when given none.</summary>
    public static EdtOptions Default { get; } = new();

    /// <summary>The result for a volume without background voxels; <see cref="AllForegroundPolicy.DistanceToImageBorder"/> by default.</summary>
    public AllForegroundPolicy AllForeground
    {
        get => _allForeground;
        init => _allForeground = Enum.IsDefined(value)
            ? value
            : throw new ArgumentOutOfRangeException(nameof(AllForeground), value, "unknown all-foreground policy.");
    }

    /// <summary>
    /// The most threads a transform uses: a positive number, or -1 (the default) to let the thread pool decide. The
    /// result does not depend on it: every line is computed by one thread with the same arithmetic, whatever the split.
    /// </summary>
    public int MaxDegreeOfParallelism
    {
        get => _maxDegreeOfParallelism;
        init => _maxDegreeOfParallelism = value is -1 or > 0
            ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxDegreeOfParallelism), value, "MaxDegreeOfParallelism must be positive or -1.");
    }
}
