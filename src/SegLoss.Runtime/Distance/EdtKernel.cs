using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Threading.Tasks;

namespace SegLoss.Runtime.Distance;

/// <summary>
/// The separable exact Euclidean distance transform over raw memory, for every volume of a <see cref="GridLayout"/> at
/// once. Squared distances are computed axis by axis (Meijster et al. 2000; Felzenszwalb and Huttenlocher 2012): first
/// along the contiguous last axis (steps to the nearest background voxel of the line), then along every
/// other axis as the lower envelope of parabolas (<see cref="LowerEnvelope"/>). After the pass along axis <c>k</c>, each
/// value is the squared distance to the nearest background voxel that differs only in axes <c>k..D-1</c>, so after
/// the last pass it is the exact squared Euclidean distance. The last pass writes the result (its square root, or the
/// square) to the destination.
/// </summary>
/// <remarks>
/// Lines are split into fixed chunks of about <see cref="ChunkVoxels"/> voxels run by <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/>;
/// every line is computed by one thread with the same arithmetic whatever the split, so the result is bitwise the same
/// for any thread count. Axes other than the last are processed in panels of <see cref="PanelWidth"/> adjacent lines:
/// a panel is copied row by row (contiguous reads and writes) into a small scratch buffer, where its lines are
/// <see cref="PanelWidth"/> elements apart, transformed there, and copied back.
/// </remarks>
internal sealed unsafe class EdtKernel
{
    /// <summary>Adjacent lines processed together along a strided axis (two cache lines of doubles).</summary>
    private const int PanelWidth = 16;

    /// <summary>About this many voxels per parallel work item.</summary>
    private const int ChunkVoxels = 1 << 15;

    private readonly byte* _mask;
    private readonly double* _work;
    private readonly double* _doubleDestination;
    private readonly float* _floatDestination;
    private readonly bool _squared;
    private readonly GridLayout _layout;
    private readonly ParallelOptions _parallel;

    private EdtKernel(byte* mask, GridLayout layout, double* work, double* doubleDestination, float* floatDestination, bool squared, EdtOptions options)
    {
        _mask = mask;
        _layout = layout;
        _work = work;
        _doubleDestination = doubleDestination;
        _floatDestination = floatDestination;
        _squared = squared;
        _parallel = new ParallelOptions { MaxDegreeOfParallelism = options.MaxDegreeOfParallelism };
    }

    /// <summary>
    /// Runs the transform of <paramref name="mask"/> (nonzero = foreground) into exactly one of the destinations.
    /// <paramref name="work"/> holds <see cref="GridLayout.Total"/> doubles and may be <paramref name="doubleDestination"/>.
    /// </summary>
    public static void Run(byte* mask, GridLayout layout, double* work, double* doubleDestination, float* floatDestination, bool squared, EdtOptions options)
    {
        if (layout.Total == 0)
        {
            return;
        }

        var kernel = new EdtKernel(mask, layout, work, doubleDestination, floatDestination, squared, options);
        kernel.LastAxisPass();
        for (var axis = layout.Dims.Length - 2; axis >= 0; axis--)
        {
            kernel.PanelPass(axis);
        }

        AllForegroundFill.Apply(mask, layout, doubleDestination, floatDestination, squared, options.AllForeground);
    }

    private void For(int count, Action<int> body)
    {
        if (count == 1 || _parallel.MaxDegreeOfParallelism == 1)
        {
            for (var i = 0; i < count; i++)
            {
                body(i);
            }

            return;
        }

        Parallel.For(0, count, _parallel, body);
    }

    /// <summary>The pass along the contiguous last axis: runs of foreground between zeros of the mask.</summary>
    private void LastAxisPass()
    {
        var dims = _layout.Dims;
        var n = dims[^1];
        var lines = _layout.Total / n;
        var linesPerChunk = Math.Max(1, ChunkVoxels / n);
        var chunks = (lines + linesPerChunk - 1) / linesPerChunk;
        var final = dims.Length == 1;
        var squares = Squares(n, _layout.Spacing[^1]);
        For(chunks, chunk =>
        {
            fixed (double* squaresPointer = squares)
            {
                var end = Math.Min(lines, (chunk + 1) * linesPerChunk);
                for (var line = chunk * linesPerChunk; line < end; line++)
                {
                    var offset = (long)line * n;
                    ScanLine(_mask + offset, _work + offset, n, squaresPointer);
                    if (final)
                    {
                        WriteFinal(offset, _work + offset, n);
                    }
                }
            }
        });
    }

    /// <summary><c>(k * spacing)^2</c> for <c>k = 0..n</c>: the squared distance of <c>k</c> steps along the axis.</summary>
    private static double[] Squares(int n, double spacing)
    {
        var squares = new double[n + 1];
        for (var k = 0; k <= n; k++)
        {
            var distance = k * spacing;
            squares[k] = distance * distance;
        }

        return squares;
    }

    /// <summary>
    /// Squared distance along the line to the nearest zero of the mask, or +inf when the line has none: zeros and runs
    /// of foreground are found with vectorized searches, and each run is filled from the zeros that bound it.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScanLine(byte* mask, double* values, int n, double* squares)
    {
        var line = new ReadOnlySpan<byte>(mask, n);
        var p = 0;
        while (p < n)
        {
            var foreground = line[p..].IndexOfAnyExcept((byte)0);
            var start = foreground < 0 ? n : p + foreground;
            new Span<double>(values + p, start - p).Clear();
            if (start == n)
            {
                return;
            }

            var background = line[start..].IndexOf((byte)0);
            var end = background < 0 ? n : start + background;
            if (start > 0 && end < n)
            {
                for (p = start; p < end; p++)
                {
                    values[p] = squares[Math.Min(p - start + 1, end - p)];
                }
            }
            else if (start > 0)
            {
                for (p = start; p < end; p++)
                {
                    values[p] = squares[p - start + 1];
                }
            }
            else if (end < n)
            {
                for (p = start; p < end; p++)
                {
                    values[p] = squares[end - p];
                }
            }
            else
            {
                new Span<double>(values, n).Fill(double.PositiveInfinity);
            }

            p = end;
        }
    }

    /// <summary>The pass along a strided axis: lower envelopes of panels of adjacent lines.</summary>
    private void PanelPass(int axis)
    {
        var dims = _layout.Dims;
        var n = dims[axis];
        var stride = 1;
        for (var k = axis + 1; k < dims.Length; k++)
        {
            stride *= dims[k];
        }

        var blocks = _layout.Total / (n * stride);
        var panelsPerBlock = (stride + PanelWidth - 1) / PanelWidth;
        var items = blocks * panelsPerBlock;
        var itemsPerChunk = Math.Max(1, ChunkVoxels / (n * PanelWidth));
        var chunks = (items + itemsPerChunk - 1) / itemsPerChunk;
        var final = axis == 0;
        var spacing = _layout.Spacing[axis];
        For(chunks, chunk =>
        {
            var lines = new double[2 * PanelWidth * n];
            var roots = new int[n];
            var scratch = new double[3 * n];
            fixed (double* linesPointer = lines, scratchPointer = scratch)
            fixed (int* rootsPointer = roots)
            {
                var input = linesPointer;
                var output = linesPointer + PanelWidth * n;
                var end = Math.Min(items, (chunk + 1) * itemsPerChunk);
                for (var item = chunk * itemsPerChunk; item < end; item++)
                {
                    var block = item / panelsPerBlock;
                    var first = (item - block * panelsPerBlock) * PanelWidth;
                    var width = Math.Min(PanelWidth, stride - first);
                    var start = (long)block * n * stride + first;
                    Gather(_work + start, input, n, stride, width);
                    for (var b = 0; b < width; b++)
                    {
                        LowerEnvelope.Transform(input + b, output + b, n, PanelWidth, spacing, rootsPointer, scratchPointer);
                    }

                    if (final)
                    {
                        ScatterFinal(output, start, n, stride, width);
                    }
                    else
                    {
                        Scatter(output, _work + start, n, stride, width);
                    }
                }
            }
        });
    }

    /// <summary>
    /// Copies <paramref name="width"/> adjacent strided lines into a panel: row <c>i</c> of the panel (its
    /// <see cref="PanelWidth"/> slots) holds element <c>i</c> of each line, so the copy moves contiguous rows.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gather(double* source, double* panel, int n, int stride, int width)
    {
        for (var i = 0; i < n; i++)
        {
            new ReadOnlySpan<double>(source + (long)i * stride, width).CopyTo(new Span<double>(panel + i * PanelWidth, width));
        }
    }

    /// <summary>The inverse of <see cref="Gather"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scatter(double* panel, double* destination, int n, int stride, int width)
    {
        for (var i = 0; i < n; i++)
        {
            new ReadOnlySpan<double>(panel + i * PanelWidth, width).CopyTo(new Span<double>(destination + (long)i * stride, width));
        }
    }

    /// <summary><see cref="Scatter"/> into the destination as the final result (the distance, or its square).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScatterFinal(double* panel, long start, int n, int stride, int width)
    {
        if (!_squared)
        {
            SquareRoots(panel, n * PanelWidth);
        }

        if (_floatDestination == null)
        {
            Scatter(panel, _doubleDestination + start, n, stride, width);
            return;
        }

        for (var i = 0; i < n; i++)
        {
            var row = _floatDestination + start + (long)i * stride;
            var values = panel + i * PanelWidth;
            for (var b = 0; b < width; b++)
            {
                row[b] = (float)values[b];
            }
        }
    }

    /// <summary>Writes one line of squared distances, contiguous, as the final result.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WriteFinal(long start, double* values, int n)
    {
        if (!_squared)
        {
            SquareRoots(values, n);
        }

        if (_floatDestination == null)
        {
            var destination = _doubleDestination + start;
            if (destination != values)
            {
                new ReadOnlySpan<double>(values, n).CopyTo(new Span<double>(destination, n));
            }

            return;
        }

        for (var i = 0; i < n; i++)
        {
            _floatDestination[start + i] = (float)values[i];
        }
    }

    /// <summary>Square roots in place, several at a time (correctly rounded either way, so the same bits as Math.Sqrt).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void SquareRoots(double* values, int count)
    {
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i <= count - Vector256<double>.Count; i += Vector256<double>.Count)
            {
                Vector256.Store(Vector256.Sqrt(Vector256.Load(values + i)), values + i);
            }
        }

        for (; i < count; i++)
        {
            values[i] = Math.Sqrt(values[i]);
        }
    }
}
