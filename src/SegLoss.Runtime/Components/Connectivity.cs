using System;
using System.Globalization;

namespace SegLoss.Runtime.Components;

/// <summary>
/// Which voxels touch. Two voxels are neighbours when their coordinates differ by at most 1 along every axis and along
/// at most <see cref="Rank"/> axes: scipy's <c>ndimage.generate_binary_structure(ndim, rank)</c>. Rank 1 is face
/// connectivity (4 in 2D, 6 in 3D), a rank of at least the dimension count is full connectivity (8 in 2D, 26 in 3D),
/// rank 2 in 3D is 18-connectivity.
/// </summary>
/// <remarks>
/// <see cref="C4"/>, <see cref="C8"/>, <see cref="C6"/>, <see cref="C18"/> and <see cref="C26"/> also fix the number of
/// spatial dimensions (a mask of another dimension is an error, and a tensor <c>[N, 1, *spatial]</c> is recognised by
/// it); <see cref="Face"/>, <see cref="Full"/> and <see cref="FromRank"/> apply to any dimension.
/// </remarks>
public readonly struct Connectivity : IEquatable<Connectivity>
{
    private const int FullRank = int.MaxValue;

    private Connectivity(int rank, int dimensions)
    {
        Rank = rank;
        Dimensions = dimensions;
    }

    /// <summary>The largest number of axes along which two neighbours differ (at least 1; <c>int.MaxValue</c> for <see cref="Full"/>).</summary>
    public int Rank { get; }

    /// <summary>The number of spatial dimensions this connectivity is defined for, or 0 when it applies to any.</summary>
    public int Dimensions { get; }

    /// <summary>2D, neighbours share an edge.</summary>
    public static Connectivity C4 => new(1, 2);

    /// <summary>2D, neighbours share an edge or a corner.</summary>
    public static Connectivity C8 => new(2, 2);

    /// <summary>3D, neighbours share a face.</summary>
    public static Connectivity C6 => new(1, 3);

    /// <summary>3D, neighbours share a face or an edge.</summary>
    public static Connectivity C18 => new(2, 3);

    /// <summary>3D, neighbours share a face, an edge or a corner.</summary>
    public static Connectivity C26 => new(3, 3);

    /// <summary>Any dimension: neighbours differ along one axis (4 in 2D, 6 in 3D, 2·n in n-D).</summary>
    public static Connectivity Face => new(1, 0);

    /// <summary>Any dimension: every voxel of the surrounding 3×3×… block is a neighbour (8 in 2D, 26 in 3D, 3ⁿ − 1 in n-D).</summary>
    public static Connectivity Full => new(FullRank, 0);

    /// <summary>Any dimension: neighbours differ along at most <paramref name="rank"/> axes (scipy's structure rank).</summary>
    /// <exception cref="ArgumentOutOfRangeException">The rank is below 1.</exception>
    public static Connectivity FromRank(int rank) =>
        rank >= 1 ? new Connectivity(rank, 0) : throw new ArgumentOutOfRangeException(nameof(rank), rank, "rank must be at least 1.");

    /// <summary>
    /// The connectivity of <paramref name="dimensions"/>-D space with <paramref name="neighbors"/> neighbours per voxel:
    /// 2 in 1D; 4 or 8 in 2D; 6, 18 or 26 in 3D; in n-D one of the counts of <see cref="NeighborCount(int)"/> for rank 1..n.
    /// </summary>
    /// <exception cref="ArgumentException">No rank gives that many neighbours in that dimension.</exception>
    public static Connectivity FromNeighbors(int neighbors, int dimensions)
    {
        if (dimensions < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(dimensions), dimensions, "dimensions must be at least 1.");
        }

        for (var rank = 1; rank <= dimensions; rank++)
        {
            if (CountNeighbors(rank, dimensions) == neighbors)
            {
                return new Connectivity(rank, dimensions);
            }
        }

        throw new ArgumentException(
            $"no connectivity of {dimensions}-D space has {neighbors} neighbours (expected one of " +
            $"{string.Join(", ", RankRange(dimensions))}).",
            nameof(neighbors));
    }

    /// <summary>The number of neighbours of a voxel in <paramref name="dimensions"/>-D space (26 for <see cref="C26"/> in 3D).</summary>
    public int NeighborCount(int dimensions) => CountNeighbors(EffectiveRank(dimensions), dimensions);

    /// <summary>The rank in <paramref name="dimensions"/>-D space: <see cref="Rank"/>, at most <paramref name="dimensions"/>.</summary>
    public int EffectiveRank(int dimensions) => Math.Min(Rank, dimensions);

    /// <summary>Whether this is a usable connectivity (the default value is not).</summary>
    public bool IsValid => Rank >= 1;

    /// <inheritdoc />
    public bool Equals(Connectivity other) => Rank == other.Rank && Dimensions == other.Dimensions;

    /// <inheritdoc />
    public override bool Equals(object? obj) => obj is Connectivity other && Equals(other);

    /// <inheritdoc />
    public override int GetHashCode() => HashCode.Combine(Rank, Dimensions);

    /// <summary>Equality of rank and dimension.</summary>
    public static bool operator ==(Connectivity left, Connectivity right) => left.Equals(right);

    /// <summary>Inequality of rank or dimension.</summary>
    public static bool operator !=(Connectivity left, Connectivity right) => !left.Equals(right);

    /// <summary>"C26", "face", "full", "rank 2", or "invalid" for the default value.</summary>
    public override string ToString() => (Rank, Dimensions) switch
    {
        ( < 1, _) => "invalid",
        (_, > 0) => "C" + NeighborCount(Dimensions).ToString(CultureInfo.InvariantCulture),
        (1, _) => "face",
        (FullRank, _) => "full",
        _ => "rank " + Rank.ToString(CultureInfo.InvariantCulture),
    };

    /// <summary>Σ_{k ≤ rank} C(n, k)·2^k: the offsets in {-1, 0, 1}ⁿ with between 1 and rank non-zero entries.</summary>
    private static int CountNeighbors(int rank, int dimensions)
    {
        long count = 0;
        long binomial = 1;
        long power = 1;
        for (var k = 1; k <= Math.Min(rank, dimensions); k++)
        {
            binomial = binomial * (dimensions - k + 1) / k;
            power *= 2;
            count += binomial * power;
        }

        return (int)Math.Min(count, int.MaxValue);
    }

    private static int[] RankRange(int dimensions)
    {
        var counts = new int[dimensions];
        for (var rank = 1; rank <= dimensions; rank++)
        {
            counts[rank - 1] = CountNeighbors(rank, dimensions);
        }

        return counts;
    }
}
