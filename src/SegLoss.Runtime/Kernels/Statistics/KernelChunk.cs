using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace SegLoss.Runtime.Kernels.Statistics;

/// <summary>
/// One chunk of a sample's pixels as a generated CPU kernel sees it: the logits of each class, the class indices and
/// the valid mask of those pixels, the gradient rows to write (backward), scratch buffers, and the gathers and
/// segmented sums by true class the class-index forms need.
/// </summary>
public readonly ref struct KernelChunk<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly ReadOnlySpan<T> _logits;
    private readonly Span<T> _gradient;
    private readonly int _pixels;

    internal KernelChunk(int sample, int start, int length, int classes, int pixels, ReadOnlySpan<T> logits, ReadOnlySpan<long> labels, ReadOnlySpan<T> valid, Span<T> gradient, ChunkScratch<T> scratch)
    {
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
    }

    /// <summary>The sample the chunk belongs to (chunks never cross samples).</summary>
    public int Sample { get; }

    /// <summary>The chunk's first pixel within its sample.</summary>
    public int Start { get; }

    /// <summary>The number of pixels of the chunk.</summary>
    public int Length { get; }

    /// <summary>C.</summary>
    public int Classes { get; }

    /// <summary>Each pixel's class (0 where ignored).</summary>
    public ReadOnlySpan<long> Labels { get; }

    /// <summary>1 where the pixel counts, 0 where ignored; empty when every pixel counts.</summary>
    public ReadOnlySpan<T> Valid { get; }

    /// <summary>Buffers for the chunk's intermediate values.</summary>
    public ChunkScratch<T> Scratch { get; }

    /// <summary>The logits of class <paramref name="c"/> at the chunk's pixels.</summary>
    public ReadOnlySpan<T> Logits(int c) => _logits.Slice((c * _pixels) + Start, Length);

    /// <summary>The gradient of class <paramref name="c"/>'s logits at the chunk's pixels (backward only).</summary>
    public Span<T> Gradient(int c) => _gradient.Slice((c * _pixels) + Start, Length);

    /// <summary>The number of valid pixels.</summary>
    public double ValidCount => Valid.IsEmpty ? Length : double.CreateTruncating(TP.Sum(Valid));

    /// <summary>Σ over the valid pixels.</summary>
    public double Sum(ReadOnlySpan<T> values) =>
        double.CreateTruncating(Valid.IsEmpty ? TP.Sum(values) : TP.Dot(values, Valid));

    /// <summary>Σ over the valid pixels, into <paramref name="sums"/>[class of the pixel].</summary>
    /// <remarks>
    /// Neighbouring pixels mostly share a class, so one running sum per class would make every addition wait for the
    /// previous one; four interleaved sums per class (pixel i into lane i mod 4) keep four additions in flight. The
    /// lanes are added in a fixed order, so the result does not depend on anything but the chunk.
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void SumAtTrueClass(ReadOnlySpan<T> values, Span<double> sums)
    {
        var classes = Classes;
        var lanes = classes <= 256 ? stackalloc double[4 * classes] : new double[4 * classes];
        lanes.Clear();
        var labels = Labels;
        var valid = Valid;
        var i = 0;
        if (valid.IsEmpty)
        {
            for (; i + 4 <= labels.Length; i += 4)
            {
                lanes[(int)labels[i]] += double.CreateTruncating(values[i]);
                lanes[classes + (int)labels[i + 1]] += double.CreateTruncating(values[i + 1]);
                lanes[(2 * classes) + (int)labels[i + 2]] += double.CreateTruncating(values[i + 2]);
                lanes[(3 * classes) + (int)labels[i + 3]] += double.CreateTruncating(values[i + 3]);
            }

            for (; i < labels.Length; i++)
            {
                lanes[(int)labels[i]] += double.CreateTruncating(values[i]);
            }
        }
        else
        {
            for (; i < labels.Length; i++)
            {
                lanes[((i & 3) * classes) + (int)labels[i]] += double.CreateTruncating(values[i] * valid[i]);
            }
        }

        AddLanes(lanes, sums);
    }

    /// <summary>The number of valid pixels of each class, into <paramref name="sums"/>, times <paramref name="scale"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void CountAtTrueClass(Span<double> sums, double scale)
    {
        if (!Valid.IsEmpty)
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

            return;
        }

        // Integer counts in four interleaved histograms (see SumAtTrueClass): exact, and no addition waits on the last.
        var classes = Classes;
        var lanes = classes <= 256 ? stackalloc int[4 * classes] : new int[4 * classes];
        lanes.Clear();
        var labels = Labels;
        var i = 0;
        for (; i + 4 <= labels.Length; i += 4)
        {
            lanes[(int)labels[i]]++;
            lanes[classes + (int)labels[i + 1]]++;
            lanes[(2 * classes) + (int)labels[i + 2]]++;
            lanes[(3 * classes) + (int)labels[i + 3]]++;
        }

        for (; i < labels.Length; i++)
        {
            lanes[(int)labels[i]]++;
        }

        for (var c = 0; c < classes; c++)
        {
            sums[c] += scale * (lanes[c] + lanes[classes + c] + lanes[(2 * classes) + c] + lanes[(3 * classes) + c]);
        }
    }

    /// <summary>Each pixel's value of its own class's row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AtTrueClass(ClassRows<T> rows, Span<T> destination)
    {
        var block = rows.Block;
        var length = rows.RowLength;
        var labels = Labels;
        for (var i = 0; i < destination.Length; i++)
        {
            destination[i] = block[((int)labels[i] * length) + i];
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
        for (var i = 0; i < Length; i++)
        {
            destination[i] = T.CreateTruncating(perClass[(int)Labels[i]]);
        }
    }

    /// <summary>Adds per-pixel values to each pixel's own class's row (the true-class part of a full map).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddAtTrueClass(ClassRows<T> rows, ReadOnlySpan<T> values)
    {
        var block = rows.Block;
        var length = rows.RowLength;
        var labels = Labels;
        for (var i = 0; i < values.Length; i++)
        {
            block[((int)labels[i] * length) + i] += values[i];
        }
    }

    /// <summary>Adds one value to each pixel's own class's row.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddAtTrueClass(ClassRows<T> rows, double value)
    {
        var scalar = T.CreateTruncating(value);
        var block = rows.Block;
        var length = rows.RowLength;
        var labels = Labels;
        for (var i = 0; i < labels.Length; i++)
        {
            block[((int)labels[i] * length) + i] += scalar;
        }
    }

    /// <summary>Adds <paramref name="values"/> where the pixel's class is <paramref name="c"/> (one row of a full map).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddWhereClass(int c, Span<T> destination, ReadOnlySpan<T> values)
    {
        for (var i = 0; i < Length; i++)
        {
            if (Labels[i] == c)
            {
                destination[i] += values[i];
            }
        }
    }

    /// <summary>Adds <paramref name="value"/> where the pixel's class is <paramref name="c"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void AddWhereClass(int c, Span<T> destination, double value)
    {
        var scalar = T.CreateTruncating(value);
        for (var i = 0; i < Length; i++)
        {
            if (Labels[i] == c)
            {
                destination[i] += scalar;
            }
        }
    }

    /// <summary>Softmax over the classes at each pixel: p (and log p when <paramref name="logp"/> has rows).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Softmax(ClassRows<T> p, ClassRows<T> logp, bool withLog)
    {
        var max = Scratch.Pixel();
        var sum = Scratch.Pixel();
        Logits(0).CopyTo(max);
        for (var c = 1; c < Classes; c++)
        {
            TP.Max(max, Logits(c), max);
        }

        sum.Clear();
        for (var c = 0; c < Classes; c++)
        {
            // z - max goes to log p's row when there is one (log p = z - max - log Σ), and is exponentiated from there.
            var shifted = withLog ? logp[c] : p[c];
            TP.Subtract(Logits(c), max, shifted);
            TP.Exp(shifted, p[c]);
            TP.Add(sum, p[c], sum);
        }

        for (var c = 0; c < Classes; c++)
        {
            TP.Divide(p[c], sum, p[c]);
        }

        if (withLog)
        {
            TP.Log(sum, sum);
            for (var c = 0; c < Classes; c++)
            {
                TP.Subtract(logp[c], sum, logp[c]);
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
        var labels = Labels;
        for (var c = 0; c < Classes; c++)
        {
            var source = logp[c];
            var row = others[c];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = labels[i] == c ? T.NegativeInfinity : source[i];
            }
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

    private void AddLanes(ReadOnlySpan<double> lanes, Span<double> sums)
    {
        for (var c = 0; c < Classes; c++)
        {
            sums[c] += ((lanes[c] + lanes[Classes + c]) + lanes[(2 * Classes) + c]) + lanes[(3 * Classes) + c];
        }
    }
}
