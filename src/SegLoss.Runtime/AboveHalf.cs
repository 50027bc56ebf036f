using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace SegLoss.Runtime;

/// <summary>
/// A dense target's foreground, <c>values &gt; 0.5</c> as bytes (0 or 1): on contiguous float32 CPU tensors by a
/// parallel vector compare here, else by libtorch's <c>gt</c>. Done here because a libtorch operator right before the
/// labeling would leave its OpenMP threads spinning on the cores the labeling runs on.
/// </summary>
internal static class AboveHalf
{
    private const int Block = 1 << 16;

    public static unsafe Tensor Of(Tensor values)
    {
        if (values.device_type != TorchSharp.DeviceType.CPU || values.dtype != ScalarType.Float32 || !values.is_contiguous() || values.numel() == 0)
        {
            return values.gt(0.5);
        }

        var mask = empty(values.shape, ScalarType.Byte);
        var (from, to, count) = ((nint)TensorMemory.Address<float>(values), (nint)TensorMemory.Address<byte>(mask), values.numel());
        ParallelChunks.For(count, Block, (begin, end) =>
            Compare(new ReadOnlySpan<float>((float*)from + begin, (int)(end - begin)), new Span<byte>((byte*)to + begin, (int)(end - begin))));
        return mask;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Compare(ReadOnlySpan<float> values, Span<byte> mask)
    {
        var half = new Vector<float>(0.5f);
        var step = Vector<byte>.Count;
        ref var value = ref MemoryMarshal.GetReference(values);
        ref var result = ref MemoryMarshal.GetReference(mask);
        var i = 0;
        for (; i + step <= values.Length; i += step)
        {
            // Four float compares (-1 or 0 per lane), narrowed to one vector of bytes, then 1 or 0.
            var count = Vector<float>.Count;
            var low = Vector.Narrow(Greater(ref value, i, half), Greater(ref value, i + count, half));
            var high = Vector.Narrow(Greater(ref value, i + (2 * count), half), Greater(ref value, i + (3 * count), half));
            var bytes = Vector.AsVectorByte(Vector.Narrow(low, high)) & Vector<byte>.One;
            Unsafe.WriteUnaligned(ref Unsafe.Add(ref result, i), bytes);
        }

        for (; i < values.Length; i++)
        {
            mask[i] = values[i] > 0.5f ? (byte)1 : (byte)0;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<int> Greater(ref float origin, int offset, Vector<float> half) =>
        Vector.GreaterThan(Unsafe.ReadUnaligned<Vector<float>>(ref Unsafe.As<float, byte>(ref Unsafe.Add(ref origin, offset))), half);
}
