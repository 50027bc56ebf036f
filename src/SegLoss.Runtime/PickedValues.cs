using System.Numerics;
using System.Runtime.CompilerServices;
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
    public static Tensor Gather(Tensor source, Tensor picks)
    {
        if (!Direct(source, picks))
        {
            return source.reshape(-1).index_select(0, picks.view(-1)).view(picks.shape);
        }

        var values = empty(picks.shape, source.dtype);
        if (source.dtype == ScalarType.Float32)
        {
            Gather<float>(source, picks, values);
        }
        else
        {
            Gather<double>(source, picks, values);
        }

        return values;
    }

    /// <summary>Adds <paramref name="values"/> (shaped as <paramref name="picks"/>) into <paramref name="target"/> at <paramref name="picks"/>, in place.</summary>
    public static void AddAt(Tensor target, Tensor picks, Tensor values)
    {
        if (!Direct(target, picks) || values.dtype != target.dtype || values.device_type != TorchSharp.DeviceType.CPU)
        {
            target.view(-1).index_add_(0, picks.view(-1), values.reshape(-1), 1);
            return;
        }

        using var contiguous = values.contiguous();
        if (target.dtype == ScalarType.Float32)
        {
            AddAt<float>(target, picks, contiguous);
        }
        else
        {
            AddAt<double>(target, picks, contiguous);
        }
    }

    private static bool Direct(Tensor tensor, Tensor picks) =>
        tensor.device_type == TorchSharp.DeviceType.CPU && tensor.dtype is ScalarType.Float32 or ScalarType.Float64
        && tensor.is_contiguous() && picks.is_contiguous() && picks.device_type == TorchSharp.DeviceType.CPU
        && picks.numel() > 0 && BlobMembers.Enabled;

    private static unsafe void Gather<T>(Tensor source, Tensor picks, Tensor values)
        where T : unmanaged, INumber<T>
    {
        var (from, index, to) = ((nint)TensorMemory.Address<T>(source), (nint)TensorMemory.Address<long>(picks), (nint)TensorMemory.Address<T>(values));
        ParallelChunks.For(picks.numel(), ChunkPicks, (begin, end) => GatherChunk((T*)from, (long*)index, (T*)to, begin, end));
    }

    private static unsafe void AddAt<T>(Tensor target, Tensor picks, Tensor values)
        where T : unmanaged, INumber<T>
    {
        var (to, index, from) = ((nint)TensorMemory.Address<T>(target), (nint)TensorMemory.Address<long>(picks), (nint)TensorMemory.Address<T>(values));
        ParallelChunks.For(picks.numel(), ChunkPicks, (begin, end) => AddChunk((T*)to, (long*)index, (T*)from, begin, end));
    }

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
