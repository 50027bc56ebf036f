using System.Linq;
using SegLoss.Runtime.Components;
using static TorchSharp.torch;

namespace SegLoss.Runtime;

/// <summary>Blob loss's instances when none are given: the connected components of each foreground class.</summary>
internal static class InstancesOfTarget
{
    /// <summary>
    /// Instance ids <c>[N, 1, X]</c> (1..K per sample and class, 0 elsewhere) from <paramref name="classes"/>, the class
    /// of each pixel (-1 for background), with neighbourhoods of the given rank (1 faces, 2 edges, 3 corners).
    /// </summary>
    public static Tensor Label(LossBatch batch, Tensor classes, int connectivityRank)
    {
        using var noGrad = no_grad();
        var spatial = new[] { batch.Samples }.Concat(batch.SpatialShape).ToArray();
        var ids = zeros_like(classes);
        var connectivity = Connectivity.FromRank(connectivityRank);
        for (var c = 0L; c < batch.Classes; c++)
        {
            var mask = classes.eq(c);
            if (!mask.any().item<bool>())
            {
                continue;
            }

            ids = ids + ConnectedComponents.Label(mask.reshape(spatial), connectivity).Labels.reshape(classes.shape);
        }

        return ids;
    }
}
