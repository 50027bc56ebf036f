using System;
using System.Numerics;
using System.Runtime.InteropServices;

namespace SegLoss.Runtime.Kernels.Statistics;

/// <summary>
/// Per-thread scratch memory of a generated CPU kernel: buffers of one chunk's length, handed out in order and all
/// free again when the next chunk starts. A chunk is a few thousand pixels, so its buffers stay in cache.
/// </summary>
public sealed class ChunkScratch<T>
    where T : unmanaged
{
    [ThreadStatic]
    private static ChunkScratch<T>? _ofThisThread;

    private T[] _memory = Array.Empty<T>();
    private int _used;

    /// <summary>
    /// The calling thread's scratch memory, kept from call to call: its buffers (a few hundred kilobytes, on the large
    /// object heap) are allocated once per thread, not once per kernel run, so steps do not feed the garbage collector.
    /// A thread runs one chunk at a time, and every chunk starts with <see cref="Reset"/>.
    /// </summary>
    public static ChunkScratch<T> ForThisThread() => _ofThisThread ??= new ChunkScratch<T>();

    /// <summary>The length of every buffer: the chunk's pixel count (the last chunk of a sample may be shorter).</summary>
    public int Length { get; private set; }

    /// <summary>Starts a chunk of <paramref name="length"/> pixels: every buffer handed out before is free again.</summary>
    public void Reset(int length)
    {
        Length = length;
        _used = 0;
    }

    /// <summary>A buffer of one value per pixel of the chunk (contents undefined).</summary>
    public Span<T> Pixel() => Take(Length);

    /// <summary>One buffer per class, contiguous (contents undefined).</summary>
    public ClassRows<T> PerClass(int classes) => new(Take(classes * Length), Length, classes);

    /// <summary>
    /// <paramref name="count"/> vectors of values (contents undefined): a per-pixel kernel's values of each class at one
    /// vector of pixels, or its running sums.
    /// </summary>
    public Span<Vector<T>> Vectors(int count) => MemoryMarshal.Cast<T, Vector<T>>(Take(count * Vector<T>.Count));

    /// <summary>
    /// One iteration of a loop (over the classes): the buffers handed out until the result is disposed are free again
    /// then, so a loop body reuses the same buffers at every iteration.
    /// </summary>
    public ScratchIteration Iteration() => new(this, _used);

    /// <summary>The scope of <see cref="Iteration"/>: disposing it frees the buffers taken since.</summary>
    public readonly struct ScratchIteration : IDisposable
    {
        private readonly ChunkScratch<T> _scratch;
        private readonly int _used;

        internal ScratchIteration(ChunkScratch<T> scratch, int used) => (_scratch, _used) = (scratch, used);

        /// <summary>Frees the buffers taken since the iteration began (after a growth, the new memory's are).</summary>
        public void Dispose() => _scratch._used = _used;
    }

    /// <summary>A buffer of <paramref name="count"/> values (contents undefined).</summary>
    internal Span<T> Take(int count)
    {
        if (_used + count > _memory.Length)
        {
            // Buffers already handed out keep the old array alive; the next chunks reuse the larger one.
            _memory = new T[Math.Max(2 * _memory.Length, _used + count)];
            _used = 0;
        }

        var buffer = _memory.AsSpan(_used, count);
        _used += count;
        return buffer;
    }
}

/// <summary>One buffer per class of a chunk, rows of one contiguous block.</summary>
public readonly ref struct ClassRows<T>
    where T : unmanaged
{
    private readonly Span<T> _block;
    private readonly int _length;

    /// <summary>Rows of <paramref name="length"/> values, one per class, laid end to end in <paramref name="block"/>.</summary>
    public ClassRows(Span<T> block, int length, int classes)
    {
        _block = block;
        _length = length;
        Classes = classes;
    }

    /// <summary>The number of rows.</summary>
    public int Classes { get; }

    /// <summary>The rows laid end to end: class c's value at pixel i is at <c>c·RowLength + i</c>.</summary>
    public Span<T> Block => _block;

    /// <summary>The length of each row (the chunk's pixel count).</summary>
    public int RowLength => _length;

    /// <summary>The row of class <paramref name="c"/>.</summary>
    public Span<T> this[int c] => _block.Slice(c * _length, _length);
}
