using System.Linq;
using SegLoss.Runtime.Components;
using static TorchSharp.torch;

namespace SegLoss.Runtime;

/// <summary>Blob loss's instances when none are given: the connected components of each foreground class.</summary>
internal static class InstancesOfTarget
{
    /// <summary>
    /// Instance ids <c>[N, 1, X]</c> (int32, 1..K per sample and class, 0 elsewhere), with neighbourhoods of the given
    /// rank (1 faces, 2 edges, 3 corners): the components of <paramref name="foreground"/> (bool) for one channel, else
    /// of each class 1..C-1 of <paramref name="labels"/> (class indices <c>[N, 1, X]</c>).
    /// </summary>
    public static Tensor Label(LossBatch batch, Tensor? foreground, Tensor? labels, int connectivityRank)
    {
        using var noGrad = no_grad();
        var spatial = new[] { batch.Samples }.Concat(batch.SpatialShape).ToArray();
        var shape = new[] { batch.Samples, 1, batch.Pixels };
        var connectivity = Connectivity.FromRank(connectivityRank);
        if (labels is null)
        {
            return Components(foreground!.reshape(spatial), connectivity).view(shape);
        }

        Tensor? ids = null;
        for (var c = 1L; c < batch.Classes; c++)
        {
            var mask = labels.eq(c);
            if (!mask.any().item<bool>())
            {
                continue;
            }

            // The classes' voxels are disjoint: adding the labelings puts each voxel's id in place.
            var classIds = Components(mask.reshape(spatial), connectivity).view(shape);
            ids = ids is null ? classIds : ids.add_(classIds);
        }

        return ids ?? zeros(shape, ScalarType.Int32, labels.device);
    }

    /// <summary>
    /// Blob loss's layout of a single channel's components of <paramref name="foreground"/> (bool <c>[N, 1, X]</c>),
    /// every voxel valid, on the CPU: the members come straight from the labeling's runs, no label volume is written.
    /// </summary>
    public static BlobMembers.Layout Layout(LossBatch batch, Tensor foreground, int connectivityRank)
    {
        using var noGrad = no_grad();
        var spatial = new[] { batch.Samples }.Concat(batch.SpatialShape).ToArray();
        return BlobMembers.FromComponents(foreground.reshape(spatial), Connectivity.FromRank(connectivityRank), batch.Input.dtype);
    }

    private static Tensor Components(Tensor mask, Connectivity connectivity) =>
        ConnectedComponents.Label(mask, connectivity, LabelingSettings.Default, ScalarType.Int32).Labels;
}
