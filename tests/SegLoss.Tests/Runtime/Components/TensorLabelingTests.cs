using System;
using System.Linq;
using SegLoss.Runtime.Components;
using TorchSharp;
using static TorchSharp.torch;

namespace SegLoss.Tests.Runtime.Components;

/// <summary>The tensor API: samples labelled independently, layouts, dtypes, strides, determinism, scopes, misuse.</summary>
public sealed class TensorLabelingTests
{
    private static Tensor Mask(long[] shape, double density, ulong seed) =>
        rand(shape, generator: new TorchSharp.torch.Generator(seed)).lt(density);

    private static bool Same(Tensor a, Tensor b) => a.shape.SequenceEqual(b.shape) && a.eq(b).all().item<bool>();

    private static int[] Sample(Tensor labels, int n) => labels[n].flatten().data<long>().Select(v => (int)v).ToArray();

    private static byte[] SampleMask(Tensor mask, int n) => mask[n].flatten().to(ScalarType.Byte).data<byte>().ToArray();

    [Theory]
    [InlineData("C8", new long[] { 4, 23, 70 })]
    [InlineData("C6", new long[] { 3, 9, 10, 11 })]
    [InlineData("C26", new long[] { 3, 9, 10, 11 })]
    public void Each_sample_is_labelled_as_if_alone(string name, long[] shape)
    {
        using var scope = NewDisposeScope();
        var connectivity = LabelingReferenceTests.Parse(name);
        var mask = Mask(shape, 0.45, 11);
        var batch = ConnectedComponents.Label(mask, connectivity);
        Assert.Equal(ScalarType.Int64, batch.Labels.dtype);
        Assert.Equal(shape, batch.Labels.shape);
        var spatial = shape.Skip(1).Select(s => (int)s).ToArray();
        for (var n = 0; n < shape[0]; n++)
        {
            var alone = ConnectedComponents.Label(SampleMask(mask, n), spatial, connectivity);
            Assert.Equal(alone.Labels, Sample(batch.Labels, n));
            Assert.Equal(alone.Count, batch.Counts[n]);
            Assert.Equal(alone.Sizes, batch.Sizes[n]);
        }

        Assert.Equal(batch.Counts.Max(), batch.MaxCount);
    }

    [Fact]
    public void A_channel_axis_of_one_is_accepted_and_changes_nothing()
    {
        using var scope = NewDisposeScope();
        var mask = Mask(new long[] { 2, 1, 8, 9, 10 }, 0.4, 3);
        var withChannel = ConnectedComponents.Label(mask, Connectivity.C26);
        var without = ConnectedComponents.Label(mask.squeeze(1), Connectivity.C26);
        var full = ConnectedComponents.Label(mask, Connectivity.Full);
        Assert.Equal(new long[] { 2, 1, 8, 9, 10 }, withChannel.Labels.shape);
        Assert.True(Same(withChannel.Labels.squeeze(1), without.Labels));
        Assert.True(Same(full.Labels, withChannel.Labels));

        var planar = Mask(new long[] { 2, 1, 12, 13 }, 0.5, 4);
        var face = ConnectedComponents.Label(planar, Connectivity.Face);
        var c4 = ConnectedComponents.Label(planar, Connectivity.C4);
        Assert.True(Same(face.Labels, c4.Labels));
    }

    [Fact]
    public void Every_dtype_labels_its_non_zero_voxels()
    {
        using var scope = NewDisposeScope();
        var mask = Mask(new long[] { 2, 10, 11 }, 0.5, 5);
        var expected = ConnectedComponents.Label(mask, Connectivity.C8).Labels;
        foreach (var type in new[] { ScalarType.Byte, ScalarType.Int8, ScalarType.Int16, ScalarType.Int32, ScalarType.Int64, ScalarType.Float16, ScalarType.Float32, ScalarType.Float64 })
        {
            Assert.True(Same(ConnectedComponents.Label(mask.to(type), Connectivity.C8).Labels, expected), type.ToString());
        }

        var soft = mask.to(ScalarType.Float32) * rand(mask.shape).add(0.01) * (-3);
        Assert.True(Same(ConnectedComponents.Label(soft, Connectivity.C8).Labels, expected));
    }

    [Fact]
    public void Strided_input_is_read_in_its_logical_order()
    {
        using var scope = NewDisposeScope();
        var mask = Mask(new long[] { 2, 14, 15 }, 0.5, 6);
        var transposed = mask.transpose(1, 2);
        Assert.False(transposed.is_contiguous());
        var expected = ConnectedComponents.Label(transposed.contiguous(), Connectivity.C4).Labels;
        Assert.True(Same(ConnectedComponents.Label(transposed, Connectivity.C4).Labels, expected));
    }

    [Fact]
    public void Results_do_not_depend_on_threads_or_slabs()
    {
        using var scope = NewDisposeScope();
        var mask = Mask(new long[] { 3, 24, 20, 33 }, 0.3, 7);
        var reference = ConnectedComponents.Label(mask, Connectivity.C26, new LabelingSettings(1, int.MaxValue, 0));
        foreach (var settings in new[]
                 {
                     LabelingSettings.Default, new LabelingSettings(2, 1, 0), new LabelingSettings(-1, 700, 0), new LabelingSettings(1, 1, 0),
                 })
        {
            for (var repeat = 0; repeat < 2; repeat++)
            {
                var again = ConnectedComponents.Label(mask, Connectivity.C26, settings);
                Assert.True(Same(again.Labels, reference.Labels));
                Assert.Equal(reference.Counts, again.Counts);
                Assert.Equal(reference.Sizes, again.Sizes);
            }
        }
    }

    [Fact]
    public void Empty_batches_and_empty_samples()
    {
        using var scope = NewDisposeScope();
        var none = ConnectedComponents.Label(zeros(new long[] { 0, 4, 4 }, ScalarType.Bool), Connectivity.C4);
        Assert.Equal(new long[] { 0, 4, 4 }, none.Labels.shape);
        Assert.Empty(none.Counts);

        var flat = ConnectedComponents.Label(zeros(new long[] { 2, 0, 4 }, ScalarType.Bool), Connectivity.C4);
        Assert.Equal(new[] { 0, 0 }, flat.Counts);
        Assert.Equal(new[] { 0 }, flat.Sizes[1]);

        var background = ConnectedComponents.Label(zeros(new long[] { 2, 5, 6 }), Connectivity.C8);
        Assert.Equal(new[] { 0, 0 }, background.Counts);
        Assert.Equal(0L, background.Labels.sum().item<long>());
    }

    [Fact]
    public void Only_the_labels_outlive_the_call()
    {
        var mask = Mask(new long[] { 2, 6, 7, 8 }, 0.5, 8);
        var before = DisposeScopeManager.Statistics.ThreadTotalLiveCount;
        using (var scope = NewDisposeScope())
        {
            ConnectedComponents.Label(mask.to(ScalarType.Float32), Connectivity.C6);
        }

        Assert.Equal(before, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        var labeling = ConnectedComponents.Label(mask, Connectivity.C6);
        Assert.Equal(before + 1, DisposeScopeManager.Statistics.ThreadTotalLiveCount);
        labeling.Labels.Dispose();
        mask.Dispose();
    }

    [Fact]
    public void Misuse_names_the_mask()
    {
        using var scope = NewDisposeScope();
        Assert.Equal("mask", Assert.Throws<ArgumentException>(() => ConnectedComponents.Label(zeros(2, 5, 5), Connectivity.C26)).ParamName);
        Assert.Equal("mask", Assert.Throws<ArgumentException>(() => ConnectedComponents.Label(zeros(2, 3, 5, 5), Connectivity.C4)).ParamName);
        Assert.Equal("mask", Assert.Throws<ArgumentException>(() => ConnectedComponents.Label(zeros(5), Connectivity.Full)).ParamName);
        Assert.Equal("mask", Assert.Throws<ArgumentException>(() => ConnectedComponents.Label(zeros(new long[] { 2, 4 }, ScalarType.ComplexFloat32), Connectivity.Face)).ParamName);
    }
}
