using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static SegLoss.Runtime.Kernels.Statistics.VectorRows;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace SegLoss.Runtime.Kernels.Statistics;

/// <summary>
/// One chunk of a sample's pixels as a generated CPU kernel sees it: the logits of each class, the class indices (or a
/// dense target) and the valid mask of those pixels, the gradient rows to write (backward), scratch buffers, and the gathers and
/// segmented sums by true class the class-index forms need.
/// </summary>
public readonly ref partial struct KernelChunk<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ReadOnlySpan<T> _logits;

    /// <summary>A dense target's sample block <c>[C, X]</c>; empty with class indices.</summary>
    private readonly ReadOnlySpan<T> _target;
    private readonly Span<T> _gradient;
    private readonly int _pixels;

    /// <summary>The per-pixel maps <c>[N, 1, X]</c> or <c>[N, C, X]</c>: written by the forward, gradients in the backward.</summary>
    private readonly KernelMaps _maps;

    /// <summary>Each pixel's class as a <typeparamref name="T"/> (exact below 2²⁴ classes), compared a vector at a time.</summary>
    private readonly Span<T> _classOf;

    // Where the per-pixel kernels read their vectors (KernelChunk.Pixels.cs): the tensors' own rows (class c of the
    // sample at c·stride + start), or, for a chunk that ends inside a vector, copies padded to whole vectors with
    // logits and targets 0, validity 0 and class -1.
    private readonly ReadOnlySpan<T> _vectorLogits;
    private readonly ReadOnlySpan<T> _vectorTarget;
    private readonly ReadOnlySpan<T> _vectorValid;
    private readonly ReadOnlySpan<T> _vectorClassOf;

    /// <summary>Where the gradient is written: the tensor's rows, or padded rows copied to it by <see cref="CommitGradient"/>.</summary>
    private readonly Span<T> _vectorGradient;

    /// <summary>
    /// For a chunk that ends inside a vector, the per-pixel maps as padded rows, one per map: written by the forward
    /// and copied out by <see cref="CommitMaps"/>; in the backward, copies of the maps' gradients. Empty otherwise (the
    /// maps' own memory is read and written).
    /// </summary>
    private readonly Span<T> _vectorMaps;
    private readonly int _vectorStride;
    private readonly int _vectorStart;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal unsafe KernelChunk(int sample, int start, int length, int classes, int pixels, ReadOnlySpan<T> logits, ReadOnlySpan<long> labels, ReadOnlySpan<T> target, ReadOnlySpan<T> valid, Span<T> gradient, KernelMaps maps, ChunkScratch<T> scratch)
    {
        _target = target;
        _maps = maps;
        Sample = sample;
        Start = start;
        Length = length;
        Classes = classes;
        _pixels = pixels;
        _logits = logits;
        Labels = labels;
        Valid = valid;
        _gradient = gradient;
        Scratch = scratch;

        // The vector rows (see KernelChunk.Pixels.cs): the tensors themselves, or padded copies when the chunk ends
        // inside a vector.
        var padded = (length + Vector<T>.Count - 1) / Vector<T>.Count * Vector<T>.Count;
        if (padded == length)
        {
            _vectorLogits = logits;
            _vectorTarget = target;
            _vectorValid = valid;
            _vectorGradient = gradient;
            _vectorStride = pixels;
            _vectorStart = start;
        }
        else
        {
            _vectorLogits = PaddedRows(logits, classes, pixels, start, length, padded, scratch);
            _vectorTarget = target.IsEmpty ? default : PaddedRows(target, classes, pixels, start, length, padded, scratch);
            var validity = scratch.Take(padded);
            if (valid.IsEmpty)
            {
                validity[..length].Fill(T.One);
            }
            else
            {
                valid.CopyTo(validity);
            }

            validity[length..].Clear();
            _vectorValid = validity;
            _vectorGradient = gradient.IsEmpty ? default : scratch.Take(classes * padded);
            _vectorStride = padded;
            _vectorStart = 0;
            if (maps.Count > 0)
            {
                var rows = scratch.Take(maps.Rows * padded);
                rows.Clear();
                if (!gradient.IsEmpty)
                {
                    for (var k = 0; k < maps.Count; k++)
                    {
                        for (var c = 0; c < maps.Widths[k]; c++)
                        {
                            new ReadOnlySpan<T>(MapRow(maps, k, c, sample, pixels, start), length).CopyTo(rows.Slice((maps.RowStart[k] + c) * padded));
                        }
                    }
                }

                _vectorMaps = rows;
            }
        }

        if (labels.IsEmpty)
        {
            // A dense target: no classes to compare.
            _classOf = default;
            _vectorClassOf = default;
        }
        else
        {
            var classOf = scratch.Take(padded);
            ClassRow(labels, classOf);
            classOf[length..].Fill(T.NegativeOne);
            _classOf = classOf[..length];
            _vectorClassOf = classOf;
        }
    }

    /// <summary>A copy of the chunk's rows of <paramref name="block"/>, each <paramref name="padded"/> long with zeros past the chunk.</summary>
    private static ReadOnlySpan<T> PaddedRows(ReadOnlySpan<T> block, int classes, int pixels, int start, int length, int padded, ChunkScratch<T> scratch)
    {
        var rows = scratch.Take(classes * padded);
        rows.Clear();
        for (var c = 0; c < classes; c++)
        {
            block.Slice((c * pixels) + start, length).CopyTo(rows.Slice(c * padded));
        }

        return rows;
    }

    /// <summary>The class indices as <typeparamref name="T"/>s, converted a vector at a time.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ClassRow(ReadOnlySpan<long> labels, Span<T> destination)
    {
        ref var label = ref MemoryMarshal.GetReference(labels);
        var i = 0;
        if (typeof(T) == typeof(float))
        {
            ref var single = ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(destination));
            for (; i + Vector<float>.Count <= labels.Length; i += Vector<float>.Count)
            {
                var low = Load(ref label, i);
                var high = Load(ref label, i + Vector<long>.Count);
                Store(Vector.ConvertToSingle(Vector.Narrow(low, high)), ref single, i);
            }
        }
        else if (typeof(T) == typeof(double))
        {
            ref var wide = ref Unsafe.As<T, double>(ref MemoryMarshal.GetReference(destination));
            for (; i + Vector<double>.Count <= labels.Length; i += Vector<double>.Count)
            {
                Store(Vector.ConvertToDouble(Load(ref label, i)), ref wide, i);
            }
        }

        for (; i < labels.Length; i++)
        {
            destination[i] = T.CreateTruncating(Unsafe.Add(ref label, i));
        }
    }

    /// <summary>The sample the chunk belongs to (chunks never cross samples).</summary>
    public int Sample { get; }

    /// <summary>The chunk's first pixel within its sample.</summary>
    public int Start { get; }

    /// <summary>The number of pixels of the chunk.</summary>
    public int Length { get; }

    /// <summary>C.</summary>
    public int Classes { get; }

    /// <summary>Each pixel's class (0 where ignored); empty with a dense target.</summary>
    public ReadOnlySpan<long> Labels { get; }

    /// <summary>1 where the pixel counts, 0 where ignored; empty when every pixel counts.</summary>
    public ReadOnlySpan<T> Valid { get; }

    /// <summary>Buffers for the chunk's intermediate values.</summary>
    public ChunkScratch<T> Scratch { get; }

    /// <summary>The logits of class <paramref name="c"/> at the chunk's pixels.</summary>
    public ReadOnlySpan<T> Logits(int c) => _logits.Slice((c * _pixels) + Start, Length);

    /// <summary>A dense target's class <paramref name="c"/> at the chunk's pixels (a dense target's kernel only).</summary>
    public ReadOnlySpan<T> Target(int c) => _target.Slice((c * _pixels) + Start, Length);

    /// <summary>The gradient of class <paramref name="c"/>'s logits at the chunk's pixels (backward only).</summary>
    public Span<T> Gradient(int c) => _vectorGradient.Slice((c * _vectorStride) + _vectorStart, Length);

    /// <summary>
    /// Copies the gradient into the tensor when the chunk wrote it to padded rows (a chunk that ends inside a vector);
    /// called once after the chunk's backward.
    /// </summary>
    internal void CommitGradient()
    {
        if (_vectorGradient == _gradient || _vectorGradient.IsEmpty)
        {
            return;
        }

        for (var c = 0; c < Classes; c++)
        {
            _vectorGradient.Slice(c * _vectorStride, Length).CopyTo(_gradient.Slice((c * _pixels) + Start, Length));
        }
    }

    /// <summary>
    /// Copies the per-pixel maps into their tensors when the chunk wrote them to padded rows (a chunk that ends inside a
    /// vector); called once after the chunk's forward.
    /// </summary>
    internal unsafe void CommitMaps()
    {
        if (_vectorMaps.IsEmpty || !_gradient.IsEmpty)
        {
            return;
        }

        for (var k = 0; k < _maps.Count; k++)
        {
            for (var c = 0; c < _maps.Widths[k]; c++)
            {
                _vectorMaps.Slice((_maps.RowStart[k] + c) * _vectorStride, Length).CopyTo(new Span<T>(MapRow(_maps, k, c, Sample, _pixels, Start), Length));
            }
        }
    }

    /// <summary>Per-pixel map <paramref name="k"/> (a topk's values) at the chunk's pixels, written by the forward.</summary>
    public Span<T> Map(int k) => ClassMap(k, 0);

    /// <summary>Class <paramref name="c"/>'s row of per-pixel map <paramref name="k"/> at the chunk's pixels.</summary>
    public Span<T> ClassMap(int k, int c) => MemoryMarshal.CreateSpan(ref MapStart(k, c), Length);

    /// <summary>Where the chunk reads and writes class <paramref name="c"/>'s row of map <paramref name="k"/>: its padded row, or the map itself.</summary>
    private unsafe ref T MapStart(int k, int c) =>
        ref _vectorMaps.IsEmpty
            ? ref Unsafe.AsRef<T>(MapRow(_maps, k, c, Sample, _pixels, Start))
            : ref Unsafe.Add(ref MemoryMarshal.GetReference(_vectorMaps), (_maps.RowStart[k] + c) * _vectorStride);

    /// <summary>The first element of class <paramref name="c"/>'s row of map <paramref name="k"/> for a chunk of a sample.</summary>
    private static unsafe T* MapRow(KernelMaps maps, int k, int c, int sample, int pixels, int start) =>
        (T*)maps.Addresses[k] + ((((long)sample * maps.Widths[k]) + c) * pixels) + start;

    /// <summary>The gradient of per-pixel map <paramref name="k"/> at the chunk's pixels (backward only).</summary>
    public ReadOnlySpan<T> MapGradient(int k) => ClassMap(k, 0);

    /// <summary>The number of valid pixels.</summary>
    public double ValidCount => Valid.IsEmpty ? Length : double.CreateTruncating(TP.Sum(Valid));

    /// <summary>Σ over the valid pixels.</summary>
    public double Sum(ReadOnlySpan<T> values) =>
        double.CreateTruncating(Valid.IsEmpty ? TP.Sum(values) : TP.Dot(values, Valid));

    /// <summary>Σ over the valid pixels of x · y (one pass without invalid pixels).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public double SumProduct(ReadOnlySpan<T> x, ReadOnlySpan<T> y)
    {
        if (Valid.IsEmpty)
        {
            return double.CreateTruncating(TP.Dot(x, y));
        }

        using var iteration = Scratch.Iteration();
        var product = Scratch.Pixel();
        TP.Multiply(x, y, product);
        return double.CreateTruncating(TP.Dot(product, Valid));
    }

    /// <summary>Σ over the valid pixels, into <paramref name="sums"/>[class of the pixel].</summary>
    /// <remarks>
    /// A vector of pixels at a time: each class's running sums take the values where the pixel is of that class and 0
    /// elsewhere, in double (a float is widened first). The lanes are added in a fixed order, so the result depends on
    /// nothing but the chunk.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SumAtTrueClass(ReadOnlySpan<T> values, Span<double> sums)
    {
        if (Valid.IsEmpty)
        {
            ClassSums.Add(_classOf, values, default, sums);
        }
        else
        {
            ClassSums.Add(_classOf, values, Valid, sums);
        }
    }

    /// <summary>The number of valid pixels of each class, into <paramref name="sums"/>, times <paramref name="scale"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void CountAtTrueClass(Span<double> sums, double scale)
    {
        var ones = Scratch.Pixel();
        ones.Fill(T.One);
        Span<double> counts = Classes <= 256 ? stackalloc double[Classes] : new double[Classes];
        counts.Clear();
        SumAtTrueClass(ones, counts);
        for (var c = 0; c < Classes; c++)
        {
            sums[c] += scale * counts[c];
        }
    }

    /// <summary>Each pixel's value of its own class's row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AtTrueClass(ClassRows<T> rows, Span<T> destination)
    {
        ref var row = ref MemoryMarshal.GetReference(rows.Block);
        ref var k = ref MemoryMarshal.GetReference(_classOf);
        ref var d = ref MemoryMarshal.GetReference(destination);
        var length = rows.RowLength;
        var i = 0;
        for (; i + Vector<T>.Count <= length; i += Vector<T>.Count)
        {
            var kind = Load(ref k, i);
            var value = Load(ref row, i);
            for (var c = 1; c < Classes; c++)
            {
                value = Vector.ConditionalSelect(Vector.Equals(kind, new Vector<T>(T.CreateTruncating(c))), Load(ref row, (c * length) + i), value);
            }

            Store(value, ref d, i);
        }

        for (; i < length; i++)
        {
            Unsafe.Add(ref d, i) = Unsafe.Add(ref row, (int.CreateTruncating(Unsafe.Add(ref k, i)) * length) + i);
        }
    }

    /// <summary>Each pixel's value of its own class's logits.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void LogitsAtTrueClass(Span<T> destination)
    {
        for (var i = 0; i < Length; i++)
        {
            destination[i] = _logits[((int)Labels[i] * _pixels) + Start + i];
        }
    }

    /// <summary>Each pixel's entry of a per-class vector (class weights, a statistic's gradient).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AtTrueClass(ReadOnlySpan<double> perClass, Span<T> destination)
    {
        Span<T> entries = Classes <= 256 ? stackalloc T[Classes] : new T[Classes];
        for (var c = 0; c < Classes; c++)
        {
            entries[c] = T.CreateTruncating(perClass[c]);
        }

        ref var k = ref MemoryMarshal.GetReference(_classOf);
        ref var d = ref MemoryMarshal.GetReference(destination);
        var i = 0;
        for (; i + Vector<T>.Count <= Length; i += Vector<T>.Count)
        {
            var kind = Load(ref k, i);
            var value = new Vector<T>(entries[0]);
            for (var c = 1; c < entries.Length; c++)
            {
                value = Vector.ConditionalSelect(Vector.Equals(kind, new Vector<T>(T.CreateTruncating(c))), new Vector<T>(entries[c]), value);
            }

            Store(value, ref d, i);
        }

        for (; i < Length; i++)
        {
            Unsafe.Add(ref d, i) = entries[int.CreateTruncating(Unsafe.Add(ref k, i))];
        }
    }

    /// <summary>Adds per-pixel values to each pixel's own class's row (the true-class part of a full map).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddAtTrueClass(ClassRows<T> rows, ReadOnlySpan<T> values)
    {
        for (var c = 0; c < Classes; c++)
        {
            AddWhereClass(c, rows[c], values);
        }
    }

    /// <summary>Adds one value to each pixel's own class's row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddAtTrueClass(ClassRows<T> rows, double value)
    {
        for (var c = 0; c < Classes; c++)
        {
            AddWhereClass(c, rows[c], value);
        }
    }

    /// <summary>Adds <paramref name="values"/> where the pixel's class is <paramref name="c"/> (one row of a full map).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddWhereClass(int c, Span<T> destination, ReadOnlySpan<T> values)
    {
        ref var k = ref MemoryMarshal.GetReference(_classOf);
        ref var d = ref MemoryMarshal.GetReference(destination);
        ref var v = ref MemoryMarshal.GetReference(values);
        var kind = T.CreateTruncating(c);
        var i = 0;
        for (; i + Vector<T>.Count <= Length; i += Vector<T>.Count)
        {
            var current = Load(ref d, i);
            Store(Vector.ConditionalSelect(Vector.Equals(Load(ref k, i), new Vector<T>(kind)), current + Load(ref v, i), current), ref d, i);
        }

        for (; i < Length; i++)
        {
            if (Unsafe.Add(ref k, i) == kind)
            {
                Unsafe.Add(ref d, i) += Unsafe.Add(ref v, i);
            }
        }
    }

    /// <summary>Adds <paramref name="value"/> where the pixel's class is <paramref name="c"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddWhereClass(int c, Span<T> destination, double value)
    {
        ref var k = ref MemoryMarshal.GetReference(_classOf);
        ref var d = ref MemoryMarshal.GetReference(destination);
        var kind = T.CreateTruncating(c);
        var scalar = T.CreateTruncating(value);
        var i = 0;
        for (; i + Vector<T>.Count <= Length; i += Vector<T>.Count)
        {
            var current = Load(ref d, i);
            Store(Vector.ConditionalSelect(Vector.Equals(Load(ref k, i), new Vector<T>(kind)), current + new Vector<T>(scalar), current), ref d, i);
        }

        for (; i < Length; i++)
        {
            if (Unsafe.Add(ref k, i) == kind)
            {
                Unsafe.Add(ref d, i) += scalar;
            }
        }
    }

    /// <summary>Softmax over the classes at each pixel: p (and log p when <paramref name="withLog"/>), see <see cref="ChunkSoftmax"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Softmax(ClassRows<T> p, ClassRows<T> logp, bool withLog)
    {
        var sum = Scratch.Pixel();
        var logSum = withLog ? Scratch.Pixel() : default;
        ChunkSoftmax.Compute(in _logits[Start], _pixels, p, logp, sum, logSum, withLog);
    }

    /// <summary>
    /// log(1 - pt) under a softmax: the log of the sum of the other classes' p at each pixel (no exponential: p is
    /// at hand), and where that sum is too small for p's precision (the other classes' p underflow as pt rounds to 1)
    /// the logsumexp of their log p, as <see cref="LossBatch.LogComplementAtTrueClass"/> computes it everywhere.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void LogComplementAtTrueClass(ClassRows<T> p, ClassRows<T> logp, Span<T> destination)
    {
        ref var k = ref MemoryMarshal.GetReference(_classOf);
        ref var probabilities = ref MemoryMarshal.GetReference(p.Block);
        ref var d = ref MemoryMarshal.GetReference(destination);
        var length = p.RowLength;
        var i = 0;
        for (; i + Vector<T>.Count <= length; i += Vector<T>.Count)
        {
            var kind = Load(ref k, i);
            var others = Vector<T>.Zero;
            for (var c = 0; c < Classes; c++)
            {
                others += Vector.ConditionalSelect(Vector.Equals(kind, new Vector<T>(T.CreateTruncating(c))), Vector<T>.Zero, Load(ref probabilities, (c * length) + i));
            }

            Store(others, ref d, i);
        }

        for (; i < length; i++)
        {
            var others = T.Zero;
            for (var c = 0; c < Classes; c++)
            {
                others += Unsafe.Add(ref k, i) == T.CreateTruncating(c) ? T.Zero : Unsafe.Add(ref probabilities, (c * length) + i);
            }

            Unsafe.Add(ref d, i) = others;
        }

        // Below about 2^-100 (float) or 2^-1000 (double) of pt's scale, p has lost digits to underflow.
        var smallest = T.CreateTruncating(typeof(T) == typeof(float) ? 1e-30 : 1e-290);
        var precise = TP.Min(destination) >= smallest;
        TP.Log(destination, destination);
        if (precise)
        {
            return;
        }

        var exact = Scratch.Pixel();
        LogComplementAtTrueClass(logp, exact);
        for (var j = 0; j < length; j++)
        {
            if (!(Unsafe.Add(ref d, j) >= T.Log(smallest)))
            {
                Unsafe.Add(ref d, j) = exact[j];
            }
        }
    }

    /// <summary>
    /// log(1 - pt) under a softmax, from log p: the logsumexp of the other classes at each pixel, exact where pt rounds
    /// to 1 (as <see cref="LossBatch.LogComplementAtTrueClass"/>). Vectorized over the pixels: each class's log p with
    /// the true class's entry set to -∞, their maximum m, then m + log Σc exp(· - m).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void LogComplementAtTrueClass(ClassRows<T> logp, Span<T> destination)
    {
        var others = Scratch.PerClass(Classes);
        for (var c = 0; c < Classes; c++)
        {
            logp[c].CopyTo(others[c]);
            SetWhereClass(c, others[c], T.NegativeInfinity);
        }

        var max = destination;
        others[0].CopyTo(max);
        for (var c = 1; c < Classes; c++)
        {
            TP.Max(max, others[c], max);
        }

        var sum = Scratch.Pixel();
        sum.Clear();
        for (var c = 0; c < Classes; c++)
        {
            TP.Subtract(others[c], max, others[c]);
            TP.Exp(others[c], others[c]);
            TP.Add(sum, others[c], sum);
        }

        TP.Log(sum, sum);
        for (var i = 0; i < max.Length; i++)
        {
            // Every other class at -∞ (or a single class): log(1 - pt) is -∞, not the NaN of -∞ - (-∞).
            max[i] = T.IsNegativeInfinity(max[i]) ? max[i] : max[i] + sum[i];
        }
    }

    /// <summary>Sets <paramref name="destination"/> to <paramref name="value"/> where the pixel's class is <paramref name="c"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void SetWhereClass(int c, Span<T> destination, T value)
    {
        ref var k = ref MemoryMarshal.GetReference(_classOf);
        ref var d = ref MemoryMarshal.GetReference(destination);
        var kind = T.CreateTruncating(c);
        var i = 0;
        for (; i + Vector<T>.Count <= Length; i += Vector<T>.Count)
        {
            Store(Vector.ConditionalSelect(Vector.Equals(Load(ref k, i), new Vector<T>(kind)), new Vector<T>(value), Load(ref d, i)), ref d, i);
        }

        for (; i < Length; i++)
        {
            if (Unsafe.Add(ref k, i) == kind)
            {
                Unsafe.Add(ref d, i) = value;
            }
        }
    }
}
