using System;
using System.Linq;
using SegLoss.Runtime.Components;

namespace SegLoss.Tests.Runtime.Components;

/// <summary>Empty, full and single-voxel masks, size-1 and size-0 axes, diagonal contacts, numbering, misuse.</summary>
public sealed class LabelingEdgeCaseTests
{
    public static TheoryData<string, int[]> Shapes() => new()
    {
        { "C4", new[] { 7, 9 } }, { "C8", new[] { 1, 130 } }, { "C8", new[] { 3, 64 } }, { "C4", new[] { 5, 1 } },
        { "C6", new[] { 4, 5, 6 } }, { "C18", new[] { 2, 3, 129 } }, { "C26", new[] { 1, 1, 1 } }, { "C26", new[] { 6, 1, 7 } },
        { "face", new[] { 65 } }, { "full", new[] { 2, 1, 3, 1, 4 } },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Empty_mask_has_no_component(string connectivity, int[] shape)
    {
        var mask = new byte[shape.Aggregate(1, (a, b) => a * b)];
        var result = ConnectedComponents.Label(mask, shape, LabelingReferenceTests.Parse(connectivity));
        Assert.Equal(0, result.Count);
        Assert.All(result.Labels, l => Assert.Equal(0, l));
        Assert.Equal(new[] { mask.Length }, result.Sizes);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Full_mask_is_one_component(string connectivity, int[] shape)
    {
        var mask = Enumerable.Repeat((byte)1, shape.Aggregate(1, (a, b) => a * b)).ToArray();
        var result = ConnectedComponents.Label(mask, shape, LabelingReferenceTests.Parse(connectivity));
        Assert.Equal(1, result.Count);
        Assert.All(result.Labels, l => Assert.Equal(1, l));
        Assert.Equal(new[] { 0, mask.Length }, result.Sizes);
    }

    [Theory]
    [MemberData(nameof(Shapes))]
    public void Single_voxel_anywhere_is_one_component(string connectivity, int[] shape)
    {
        var length = shape.Aggregate(1, (a, b) => a * b);
        foreach (var position in new[] { 0, length / 2, length - 1 }.Distinct())
        {
            var mask = new byte[length];
            mask[position] = 1;
            var result = ConnectedComponents.Label(mask, shape, LabelingReferenceTests.Parse(connectivity));
            Assert.Equal(1, result.Count);
            Assert.Equal(1, result.Labels[position]);
            Assert.Equal(1, result.Labels.Sum());
        }
    }

    [Theory]
    [InlineData(new[] { 0, 5 })]
    [InlineData(new[] { 3, 0, 2 })]
    [InlineData(new[] { 0 })]
    public void Zero_sized_axes_give_nothing(int[] shape)
    {
        var result = ConnectedComponents.Label(ReadOnlySpan<byte>.Empty, shape, Connectivity.Full);
        Assert.Equal(0, result.Count);
        Assert.Empty(result.Labels);
        Assert.Equal(new[] { 0 }, result.Sizes);
    }

    [Fact]
    public void Diagonal_contacts_follow_the_connectivity()
    {
        var corner2D = new byte[] { 1, 0, 0, 1 };
        Assert.Equal(2, ConnectedComponents.Label(corner2D, new[] { 2, 2 }, Connectivity.C4).Count);
        Assert.Equal(1, ConnectedComponents.Label(corner2D, new[] { 2, 2 }, Connectivity.C8).Count);

        var edge3D = new byte[8];
        edge3D[0] = 1; // (0, 0, 0)
        edge3D[3] = 1; // (0, 1, 1): differs along two axes
        Assert.Equal(2, ConnectedComponents.Label(edge3D, new[] { 2, 2, 2 }, Connectivity.C6).Count);
        Assert.Equal(1, ConnectedComponents.Label(edge3D, new[] { 2, 2, 2 }, Connectivity.C18).Count);
        Assert.Equal(1, ConnectedComponents.Label(edge3D, new[] { 2, 2, 2 }, Connectivity.C26).Count);

        var corner3D = new byte[8];
        corner3D[0] = 1; // (0, 0, 0)
        corner3D[7] = 1; // (1, 1, 1): differs along three axes
        Assert.Equal(2, ConnectedComponents.Label(corner3D, new[] { 2, 2, 2 }, Connectivity.C18).Count);
        Assert.Equal(1, ConnectedComponents.Label(corner3D, new[] { 2, 2, 2 }, Connectivity.C26).Count);

        // Anti-diagonal (0, 1, 0) to (1, 0, 1) in 3D: a step of +1 along the middle axis of an earlier plane.
        var anti = new byte[8];
        anti[2] = 1;
        anti[5] = 1;
        Assert.Equal(1, ConnectedComponents.Label(anti, new[] { 2, 2, 2 }, Connectivity.C26).Count);
        Assert.Equal(2, ConnectedComponents.Label(anti, new[] { 2, 2, 2 }, Connectivity.C18).Count);
    }

    [Fact]
    public void Numbering_follows_first_voxels_even_when_arms_merge_later()
    {
        // A U whose arms meet on the last row, and an island between the arms on the first row.
        var mask = new byte[]
        {
            1, 0, 1, 0, 1,
            1, 0, 0, 0, 1,
            1, 1, 1, 1, 1,
        };
        var expected = new[]
        {
            1, 0, 2, 0, 1,
            1, 0, 0, 0, 1,
            1, 1, 1, 1, 1,
        };
        var result = ConnectedComponents.Label(mask, new[] { 3, 5 }, Connectivity.C4);
        Assert.Equal(expected, result.Labels);
        Assert.Equal(new[] { 5, 9, 1 }, result.Sizes);
        Assert.Equal(9, result.SizeOf(1));
    }

    [Fact]
    public void Any_non_zero_byte_is_foreground()
    {
        var result = ConnectedComponents.Label(new byte[] { 255, 7, 0, 128 }, new[] { 4 }, Connectivity.Face);
        Assert.Equal(new[] { 1, 1, 0, 2 }, result.Labels);
    }

    [Fact]
    public void Span_overload_writes_the_same_labels()
    {
        var shape = new[] { 9, 10, 11 };
        var mask = RandomMasks.Noise(shape, 0.4, 5);
        var labels = new int[mask.Length];
        var count = ConnectedComponents.Label(mask, shape, Connectivity.C18, labels);
        var result = ConnectedComponents.Label(mask, shape, Connectivity.C18);
        Assert.Equal(result.Count, count);
        Assert.Equal(result.Labels, labels);
    }

    [Fact]
    public void Misuse_is_an_argument_exception_naming_the_argument()
    {
        var mask = new byte[12];
        Assert.Equal("shape", Assert.Throws<ArgumentException>(() => ConnectedComponents.Label(mask, new[] { 3, 5 }, Connectivity.C4)).ParamName);
        Assert.Equal("shape", Assert.Throws<ArgumentException>(() => ConnectedComponents.Label(mask, new[] { 3, 4 }, Connectivity.C26)).ParamName);
        Assert.Equal("shape", Assert.Throws<ArgumentException>(() => ConnectedComponents.Label(mask, new[] { -3, -4 }, Connectivity.Full)).ParamName);
        Assert.Equal("shape", Assert.Throws<ArgumentException>(() => ConnectedComponents.Label(mask, Array.Empty<int>(), Connectivity.Full)).ParamName);
        Assert.Equal("connectivity", Assert.Throws<ArgumentException>(() => ConnectedComponents.Label(mask, new[] { 3, 4 }, default)).ParamName);
        Assert.Equal("labels", Assert.Throws<ArgumentException>(() => ConnectedComponents.Label(mask, new[] { 3, 4 }, Connectivity.C8, new int[11])).ParamName);
        Assert.Contains("26", Assert.Throws<ArgumentException>(() => ConnectedComponents.Label(mask, new[] { 3, 4 }, Connectivity.C26)).Message);

        // Full connectivity over 11 leading axes reaches (3^11 - 1) / 2 earlier rows: refused, a face connectivity is fine.
        var twelveD = Enumerable.Repeat(2, 12).ToArray();
        var big = new byte[1 << 12];
        Assert.Equal("connectivity", Assert.Throws<ArgumentException>(() => ConnectedComponents.Label(big, twelveD, Connectivity.Full)).ParamName);
        Assert.Equal(0, ConnectedComponents.Label(big, twelveD, Connectivity.Face).Count);
    }

    [Fact]
    public void Connectivity_from_neighbour_counts()
    {
        Assert.Equal(Connectivity.C4, Connectivity.FromNeighbors(4, 2));
        Assert.Equal(Connectivity.C8, Connectivity.FromNeighbors(8, 2));
        Assert.Equal(Connectivity.C6, Connectivity.FromNeighbors(6, 3));
        Assert.Equal(Connectivity.C18, Connectivity.FromNeighbors(18, 3));
        Assert.Equal(Connectivity.C26, Connectivity.FromNeighbors(26, 3));
        Assert.Equal(1, Connectivity.FromNeighbors(2, 1).Rank);
        Assert.Equal(4, Connectivity.FromNeighbors(80, 4).Rank);
        Assert.Equal(32, Connectivity.FromNeighbors(32, 4).NeighborCount(4));
        Assert.Equal(26, Connectivity.Full.NeighborCount(3));
        Assert.Equal(6, Connectivity.Face.NeighborCount(3));
        Assert.Equal("C26", Connectivity.C26.ToString());
        Assert.Equal("full", Connectivity.Full.ToString());
        Assert.False(default(Connectivity).IsValid);
        Assert.Throws<ArgumentException>(() => Connectivity.FromNeighbors(10, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Connectivity.FromRank(0));
    }
}
