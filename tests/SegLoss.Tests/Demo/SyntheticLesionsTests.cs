using System;
using System.Linq;
using SegLoss.Demo.Dataset;
using SegLoss.Runtime.Components;

namespace SegLoss.Tests.Demo;

/// <summary>The demo's synthetic lesions: fixed by the seed, and every lesion its own connected component.</summary>
public sealed class SyntheticLesionsTests
{
    [Fact]
    public void The_seed_fixes_the_images()
    {
        using var a = SyntheticLesions.Generate(4, 32, seed: 5);
        using var b = SyntheticLesions.Generate(4, 32, seed: 5);
        using var c = SyntheticLesions.Generate(4, 32, seed: 6);
        Assert.True(a.Pixels(3).SequenceEqual(b.Pixels(3)));
        Assert.True(a.Mask(3).SequenceEqual(b.Mask(3)));
        Assert.False(a.Pixels(3).SequenceEqual(c.Pixels(3)));
        Assert.True(a.Images.eq(b.Images).all().item<bool>());
        Assert.Equal(new long[] { 4, 1, 32, 32 }, a.Masks.shape);
    }

    [Fact]
    public void Each_lesion_is_one_connected_component_of_the_mask()
    {
        using var images = SyntheticLesions.Generate(8, 64, seed: 1);
        for (var n = 0; n < images.Count; n++)
        {
            var labels = ConnectedComponents.Label(images.Mask(n), new[] { 64, 64 }, Connectivity.C8);
            Assert.Equal(images.Lesions[n].Count, labels.Count);
            Assert.InRange(images.Lesions[n].Count, 2, 11);  // one large lesion and several small ones
        }
    }

    [Fact]
    public void Splits_differ()
    {
        var (train, validation) = SyntheticLesions.Splits(2, 2, 32, seed: 1);
        using (train)
        using (validation)
        {
            Assert.False(train.Pixels(0).SequenceEqual(validation.Pixels(0)));
        }
    }
}
