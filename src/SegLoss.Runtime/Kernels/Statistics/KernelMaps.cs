using System;
using System.Collections.Generic;
using System.Linq;

namespace SegLoss.Runtime.Kernels.Statistics;

/// <summary>
/// The per-pixel maps a kernel writes in its forward (a topk's values <c>[N, 1, X]</c>, Lovász's errors
/// <c>[N, C, X]</c>) or reads in its backward (their gradients): each map's address and width (1 or C), and where its
/// rows start when a chunk keeps them as padded rows (one row per class of every map, in order).
/// </summary>
internal sealed class KernelMaps
{
    public static readonly KernelMaps None = new(Array.Empty<nint>(), Array.Empty<int>());

    public KernelMaps(nint[] addresses, int[] widths)
    {
        Addresses = addresses;
        Widths = widths;
        RowStart = new int[widths.Length];
        for (var k = 1; k < widths.Length; k++)
        {
            RowStart[k] = RowStart[k - 1] + widths[k - 1];
        }

        Rows = widths.Sum();
    }

    /// <summary>Each map's first element.</summary>
    public nint[] Addresses { get; }

    /// <summary>Each map's rows per sample: 1, or C for a map per class.</summary>
    public int[] Widths { get; }

    /// <summary>Map k's first row among the padded rows.</summary>
    public int[] RowStart { get; }

    /// <summary>The number of padded rows: the widths' sum.</summary>
    public int Rows { get; }

    /// <summary>The maps' count.</summary>
    public int Count => Addresses.Length;

    /// <summary>The maps of <paramref name="tensors"/>, <c>[N, w, X]</c> each.</summary>
    public static unsafe KernelMaps Of<T>(IReadOnlyList<TorchSharp.torch.Tensor> tensors)
        where T : unmanaged =>
        tensors.Count == 0
            ? None
            : new KernelMaps(tensors.Select(map => (nint)TensorMemory.Address<T>(map)).ToArray(), tensors.Select(map => (int)map.shape[1]).ToArray());
}
