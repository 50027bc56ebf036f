using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Threading;
using System.Threading.Tasks;
using TorchSharp;
using static TorchSharp.torch;

namespace SegLoss.Runtime.Kernels.Statistics;

/// <summary>
/// Runs a generated CPU kernel over a batch: float32 or float64 CPU logits with a class-index or dense target. The
/// pixels of each sample are cut into chunks of <see cref="ChunkPixels"/> run in parallel; each chunk adds its
/// statistics into its own partial sums (in double), combined per sample in chunk order, so results do not depend on
/// the thread count. The backward writes each chunk's gradient once into one new tensor.
/// </summary>
public static class StatisticsKernel
{
    /// <summary>Pixels per chunk: a few buffers of this length stay in the core's cache.</summary>
    public const int ChunkPixels = 2048;

    private static readonly ThreadSwitch _tensorPathOnly = new();

    // The chunks' partial sums (over 85 KB in 3D), kept per calling thread: allocated per call they fed the garbage
    // collector's large-object heap at every step.
    [ThreadStatic]
    private static double[]? _partialSums;

    /// <summary>Computes one chunk's statistics into <c>sums</c> (the statistics' widths laid end to end).</summary>
    public delegate void Forward<T>(in KernelChunk<T> chunk, Span<double> sums)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>Writes one chunk's gradient (<see cref="KernelChunk{T}.Gradient"/>).</summary>
    public delegate void Backward<T>(in KernelChunk<T> chunk)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>
    /// Until disposed, losses created or called on this thread take the tensor path (for comparisons and benchmarks).
    /// </summary>
    public static IDisposable TensorPathOnly()
    {
        return _tensorPathOnly.Enter();
    }

    /// <summary>
    /// Whether the batch qualifies: CPU, float32 or float64, at least one pixel, and class indices (or a dense target,
    /// when the declaration's kernel has <paramref name="denseTargets"/> forms).
    /// </summary>
    public static bool Applies(LossBatch batch, bool denseTargets = false)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return !_tensorPathOnly.IsOn
            && (batch.HasClassIndices || denseTargets)
            && batch.Input.device_type == DeviceType.CPU
            && batch.Input.dtype is ScalarType.Float32 or ScalarType.Float64
            && batch.Pixels > 0
            && batch.Pixels <= int.MaxValue / Math.Max(1, batch.Classes);
    }

    /// <summary>
    /// The statistics of the batch: one tensor <c>[N, width]</c> per entry of <paramref name="widths"/>, in the input's type.
    /// </summary>
    public static Tensor[] Run<T>(LossBatch batch, IReadOnlyList<int> widths, Forward<T> forward)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(batch, widths, maps: 0, forward);

    /// <summary>
    /// The statistics of the batch: one tensor <c>[N, width]</c> per entry of <paramref name="widths"/>, then
    /// <paramref name="maps"/> per-pixel maps <c>[N, 1, X]</c> (the values of a topk, which the chunks write through
    /// <see cref="KernelChunk{T}.SetMapAt"/>), in the input's type.
    /// </summary>
    public static Tensor[] Run<T>(LossBatch batch, IReadOnlyList<int> widths, int maps, Forward<T> forward)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Run(batch, widths, Enumerable.Repeat(1, maps).ToArray(), forward);

    /// <summary>
    /// The statistics of the batch: one tensor <c>[N, width]</c> per entry of <paramref name="widths"/>, then one
    /// per-pixel map <c>[N, w, X]</c> per entry w of <paramref name="mapWidths"/> (a topk's values, w = 1, which the
    /// chunks write through <see cref="KernelChunk{T}.SetMapAt"/>; Lovász's errors, w = C, through
    /// <see cref="KernelChunk{T}.SetClassMapAt"/>), in the input's type.
    /// </summary>
    public static unsafe Tensor[] Run<T>(LossBatch batch, IReadOnlyList<int> widths, IReadOnlyList<int> mapWidths, Forward<T> forward)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(mapWidths);
        ArgumentNullException.ThrowIfNull(batch);
        var layout = Layout.Of(batch);
        var total = widths.Sum();
        var partial = PartialSums(layout.Chunks * total);
        var mapTensors = mapWidths.Select(width => empty(new long[] { batch.Samples, width, batch.Pixels }, batch.Input.dtype)).ToArray();
        var mapAddresses = KernelMaps.Of<T>(mapTensors);
        using var input = batch.Input.contiguous();
        using var labels = batch.Labels?.to_type(ScalarType.Int64).contiguous();
        using var target = batch.HasClassIndices ? null : batch.Target.contiguous();
        using var valid = batch.Valid?.to_type(batch.Input.dtype).contiguous();
        fixed (byte* inputBytes = input.bytes)
        fixed (byte* labelBytes = labels is null ? default : labels.bytes, targetBytes = target is null ? default : target.bytes)
        fixed (byte* validBytes = valid is null ? default : valid.bytes)
        {
            // Pinned for the whole run; the chunks read them through these addresses.
            var (z, l, y, v) = ((nint)inputBytes, (nint)labelBytes, (nint)targetBytes, (nint)validBytes);
            Parallel.For(0, layout.Chunks, Options, ChunkScratch<T>.ForThisThread, (index, _, scratch) =>
            {
                var chunk = layout.Chunk(index, (T*)z, (long*)l, (T*)y, (T*)v, null, mapAddresses, scratch);
                forward(chunk, partial.AsSpan(index * total, total));
                chunk.CommitMaps();
                return scratch;
            }, _ => { });
        }

        // Combine each sample's chunks in order.
        var sums = new double[layout.Samples * total];
        for (var index = 0; index < layout.Chunks; index++)
        {
            var sample = index / layout.ChunksPerSample;
            for (var k = 0; k < total; k++)
            {
                sums[(sample * total) + k] += partial[(index * total) + k];
            }
        }

        var result = new Tensor[widths.Count];
        var offset = 0;
        for (var s = 0; s < widths.Count; s++)
        {
            var values = new double[layout.Samples * widths[s]];
            for (var n = 0; n < layout.Samples; n++)
            {
                Array.Copy(sums, (n * total) + offset, values, n * widths[s], widths[s]);
            }

            result[s] = tensor(values, new long[] { layout.Samples, widths[s] }, batch.Input.dtype);
            offset += widths[s];
        }

        return result.Concat(mapTensors).ToArray();
    }

    /// <summary>The calling thread's partial-sum array, at least <paramref name="length"/> long, its first <paramref name="length"/> zero.</summary>
    private static double[] PartialSums(int length)
    {
        if (_partialSums is null || _partialSums.Length < length)
        {
            _partialSums = new double[length];
        }
        else
        {
            Array.Clear(_partialSums, 0, length);
        }

        return _partialSums;
    }

    /// <summary>The gradient of <see cref="LossBatch.Input"/> <c>[N, C, X]</c>, written chunk by chunk.</summary>
    public static Tensor Gradient<T>(LossBatch batch, Backward<T> backward)
        where T : unmanaged, IFloatingPointIeee754<T> =>
        Gradient(batch, Array.Empty<Tensor>(), backward);

    /// <summary>
    /// The gradient of <see cref="LossBatch.Input"/> <c>[N, C, X]</c>, written chunk by chunk; the chunks read the
    /// gradients of the per-pixel maps, <paramref name="mapGradients"/> (<c>[N, 1, X]</c> or <c>[N, C, X]</c>), through
    /// <see cref="KernelChunk{T}.MapGradient"/>.
    /// </summary>
    public static unsafe Tensor Gradient<T>(LossBatch batch, IReadOnlyList<Tensor> mapGradients, Backward<T> backward)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentNullException.ThrowIfNull(mapGradients);
        var layout = Layout.Of(batch);
        // Every tensor made here but the gradient is freed when the scope ends.
        using var scope = NewDisposeScope();
        var maps = mapGradients.Select(g => g.detach().to_type(batch.Input.dtype).cpu().expand(batch.Samples, g.dim() == 3 ? g.shape[1] : 1, batch.Pixels).contiguous()).ToList();
        var mapAddresses = KernelMaps.Of<T>(maps);
        var gradient = empty(batch.Input.shape, batch.Input.dtype);
        var input = batch.Input.contiguous();
        var labels = batch.Labels?.to_type(ScalarType.Int64).contiguous();
        var target = batch.HasClassIndices ? null : batch.Target.contiguous();
        var valid = batch.Valid?.to_type(batch.Input.dtype).contiguous();
        fixed (byte* inputBytes = input.bytes, gradientBytes = gradient.bytes)
        fixed (byte* labelBytes = labels is null ? default : labels.bytes, targetBytes = target is null ? default : target.bytes)
        fixed (byte* validBytes = valid is null ? default : valid.bytes)
        {
            var (z, l, y, v, g) = ((nint)inputBytes, (nint)labelBytes, (nint)targetBytes, (nint)validBytes, (nint)gradientBytes);
            Parallel.For(0, layout.Chunks, Options, ChunkScratch<T>.ForThisThread, (index, _, scratch) =>
            {
                var chunk = layout.Chunk(index, (T*)z, (long*)l, (T*)y, (T*)v, (T*)g, mapAddresses, scratch);
                backward(chunk);
                chunk.CommitGradient();
                return scratch;
            }, _ => { });
        }

        return gradient.MoveToOuterDisposeScope();
    }

    /// <summary>A statistic's gradient <c>[N, k]</c> as doubles for the kernel (row n at <c>n·k</c>).</summary>
    public static double[] Values(Tensor gradient)
    {
        ArgumentNullException.ThrowIfNull(gradient);
        return gradient.detach().to_type(ScalarType.Float64).cpu().contiguous().data<double>().ToArray();
    }

    private static ParallelOptions Options => new() { MaxDegreeOfParallelism = Environment.ProcessorCount };

    /// <summary>How a batch is cut into chunks.</summary>
    private readonly record struct Layout(int Samples, int Classes, int Pixels, int ChunksPerSample)
    {
        public int Chunks => Samples * ChunksPerSample;

        public static Layout Of(LossBatch batch)
        {
            var pixels = (int)batch.Pixels;
            return new Layout((int)batch.Samples, (int)batch.Classes, pixels, (pixels + ChunkPixels - 1) / ChunkPixels);
        }

        public unsafe KernelChunk<T> Chunk<T>(int index, T* logits, long* labels, T* target, T* valid, T* gradient, KernelMaps maps, ChunkScratch<T> scratch)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var sample = index / ChunksPerSample;
            var start = (index % ChunksPerSample) * ChunkPixels;
            var length = Math.Min(ChunkPixels, Pixels - start);
            var block = (long)sample * Classes * Pixels;
            scratch.Reset(length);
            return new KernelChunk<T>(
                sample,
                start,
                length,
                Classes,
                Pixels,
                new ReadOnlySpan<T>(logits + block, Classes * Pixels),
                labels == null ? default : new ReadOnlySpan<long>(labels + ((long)sample * Pixels) + start, length),
                target == null ? default : new ReadOnlySpan<T>(target + block, Classes * Pixels),
                valid == null ? default : new ReadOnlySpan<T>(valid + ((long)sample * Pixels) + start, length),
                gradient == null ? default : new Span<T>(gradient + block, Classes * Pixels),
                maps,
                scratch);
        }
    }
}
