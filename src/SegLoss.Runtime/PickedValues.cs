using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;
using static TorchSharp.torch;

namespace SegLoss.Runtime;

/// <summary>
/// The values of a tensor at a set of flat indices (each index at most once), and their gradient added back there:
/// what <see cref="StatisticsNode"/> hands out for blob loss. Contiguous float32/float64 CPU tensors are read and
/// written here, in parallel chunks, rather than by libtorch's index_select and index_add_ (serial, and their
/// thread pool would spin through the kernels that follow).
/// </summary>
internal static class PickedValues
{
    private const int ChunkPicks = 1 << 14;

    /// <summary><paramref name="source"/>'s values at <paramref name="picks"/>, shaped as <paramref name="picks"/>.</summary>
    public static unsafe Tensor Gather(Tensor source, Tensor picks)
    {
        if (!Direct(source, picks))
        {
            return source.reshape(-1).index_select(0, picks.view(-1)).view(picks.shape);
        }

        var values = empty(picks.shape, source.dtype);
        var (from, index, to) = ((nint)Raw(source), (nint)TensorMemory.Address<long>(picks), (nint)Raw(values));
        var count = picks.numel();
        var size = source.dtype == ScalarType.Float32 ? sizeof(float) : sizeof(double);
        Parallel.For(0, Chunks(count), chunk =>
        {
            var (begin, end) = Range(chunk, count);
            if (size == sizeof(float))
            {
                GatherChunk((float*)from, (long*)index, (float*)to, begin, end);
            }
            else
            {
                GatherChunk((double*)from, (long*)index, (double*)to, begin, end);
            }
        });
        return values;
    }

    /// <summary>Adds <paramref name="values"/> (shaped as <paramref name="picks"/>) into <paramref name="target"/> at <paramref name="picks"/>, in place.</summary>
    public static unsafe void AddAt(Tensor target, Tensor picks, Tensor values)
    {
        if (!Direct(target, picks) || values.dtype != target.dtype || values.device_type != TorchSharp.DeviceType.CPU)
        {
            target.view(-1).index_add_(0, picks.view(-1), values.reshape(-1), 1);
            return;
        }

        using var contiguous = values.contiguous();
        var (to, index, from) = ((nint)Raw(target), (nint)TensorMemory.Address<long>(picks), (nint)Raw(contiguous));
        var count = picks.numel();
        var size = target.dtype == ScalarType.Float32 ? sizeof(float) : sizeof(double);
        Parallel.For(0, Chunks(count), chunk =>
        {
            var (begin, end) = Range(chunk, count);
            if (size == sizeof(float))
            {
                AddChunk((float*)to, (long*)index, (float*)from, begin, end);
            }
            else
            {
                AddChunk((double*)to, (long*)index, (double*)from, begin, end);
            }
        });
    }

    private static bool Direct(Tensor tensor, Tensor picks) =>
        tensor.device_type == TorchSharp.DeviceType.CPU && tensor.dtype is ScalarType.Float32 or ScalarType.Float64
        && tensor.is_contiguous() && picks.is_contiguous() && picks.device_type == TorchSharp.DeviceType.CPU
        && picks.numel() > 0 && BlobMembers.Enabled;

    private static unsafe void* Raw(Tensor tensor) =>
        tensor.dtype == ScalarType.Float32 ? TensorMemory.Address<float>(tensor) : TensorMemory.Address<double>(tensor);

    private static int Chunks(long count) => (int)((count + ChunkPicks - 1) / ChunkPicks);

    private static (long Begin, long End) Range(int chunk, long count) =>
        ((long)chunk * ChunkPicks, Math.Min(count, ((long)chunk + 1) * ChunkPicks));

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void GatherChunk<T>(T* source, long* picks, T* values, long begin, long end)
        where T : unmanaged, INumber<T>
    {
        for (var m = begin; m < end; m++)
        {
            values[m] = source[picks[m]];
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void AddChunk<T>(T* target, long* picks, T* values, long begin, long end)
        where T : unmanaged, INumber<T>
    {
        for (var m = begin; m < end; m++)
        {
            target[picks[m]] += values[m];
        }
    }
}
