using System;
using System.Collections.Generic;
using static TorchSharp.torch;

namespace SegLoss.Demo.Dataset;

/// <summary>
/// A split of synthetic lesion images: images <c>[N, 1, S, S]</c> (float32) and binary lesion masks of the same shape
/// (float32, 0 or 1), as tensors for training and as arrays for plotting. Owns its tensors.
/// </summary>
public sealed class LesionImages : IDisposable
{
    private readonly float[] _pixels;
    private readonly byte[] _masks;

    internal LesionImages(int size, float[] pixels, byte[] masks, IReadOnlyList<IReadOnlyList<Lesion>> lesions)
    {
        Size = size;
        Count = lesions.Count;
        Lesions = lesions;
        _pixels = pixels;
        _masks = masks;
        var shape = new long[] { Count, 1, size, size };
        Images = tensor(pixels, shape, ScalarType.Float32).DetachFromDisposeScope();
        var maskValues = Array.ConvertAll(masks, m => (float)m);
        Masks = tensor(maskValues, shape, ScalarType.Float32).DetachFromDisposeScope();
    }

    /// <summary>Number of images.</summary>
    public int Count { get; }

    /// <summary>Side of the square images, in pixels.</summary>
    public int Size { get; }

    /// <summary>The lesions drawn in each image.</summary>
    public IReadOnlyList<IReadOnlyList<Lesion>> Lesions { get; }

    /// <summary>The images, <c>[N, 1, S, S]</c> float32.</summary>
    public Tensor Images { get; }

    /// <summary>The lesion masks, <c>[N, 1, S, S]</c> float32 (1 inside a lesion, 0 elsewhere).</summary>
    public Tensor Masks { get; }

    /// <summary>The pixels of image <paramref name="index"/>, row by row.</summary>
    public ReadOnlySpan<float> Pixels(int index) => _pixels.AsSpan(index * Size * Size, Size * Size);

    /// <summary>The mask of image <paramref name="index"/>, row by row (1 inside a lesion).</summary>
    public ReadOnlySpan<byte> Mask(int index) => _masks.AsSpan(index * Size * Size, Size * Size);

    /// <inheritdoc />
    public void Dispose()
    {
        Images.Dispose();
        Masks.Dispose();
    }
}
