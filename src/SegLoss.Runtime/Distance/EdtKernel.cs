using System;
using System.Runtime.CompilerServices;
using System.Threading.Tasks;

namespace SegLoss.Runtime.Distance;

/// <summary>
/// The separable exact Euclidean distance transform over raw memory, for every volume of a <see cref="GridLayout"/> at
/// once. Squared distances are computed axis by axis (Meijster et al. 2000; Felzenszwalb and Huttenlocher 2012): first
/// along the contiguous last axis by two scans (steps to the nearest background voxel of the line), then along every
/// other axis as the lower envelope of parabolas (<see cref="LowerEnvelope"/>). After the pass along axis <c>k</c>, each
/// value is the squared distance to the nearest background voxel that differs only in axes <c>k..D-1</c>, so after
/// the last pass it is the exact squared Euclidean distance. The last pass writes the result (its square root, or the
/// square) to the destination.
/// </summary>
/// <remarks>
/// Lines are split into fixed chunks of about <see cref="ChunkVoxels"/> voxels run by <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/>;
/// every line is computed by one thread with the same arithmetic whatever the split, so the result is bitwise the same
/// for any thread count. Axes other than the last are processed in panels of <see cref="PanelWidth"/> adjacent lines:
/// a panel is copied row by row (contiguous reads) into a transposed scratch buffer, transformed, and written back.
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

    /// <summary>The pass along the contiguous last axis: two scans per line on the mask.</summary>
    private void LastAxisPass()
    {
        var dims = _layout.Dims;
        var n = dims[^1];
        var lines = _layout.Total / n;
        var linesPerChunk = Math.Max(1, ChunkVoxels / n);
        var chunks = (lines + linesPerChunk - 1) / linesPerChunk;
        var final = dims.Length == 1;
        var spacing = _layout.Spacing[^1];
        For(chunks, chunk =>
        {
            var end = Math.Min(lines, (chunk + 1) * linesPerChunk);
            for (var line = chunk * linesPerChunk; line < end; line++)
            {
                var offset = (long)line * n;
                ScanLine(_mask + offset, _work + offset, n, spacing);
                if (final)
                {
                    WriteFinal(offset, _work + offset, n);
                }
            }
        });
    }

    /// <summary>Squared distance along the line to the nearest zero of the mask, or +inf when the line has none.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void ScanLine(byte* mask, double* values, int n, double spacing)
    {
        // Forward: steps since the last zero; backward: steps to the next zero, whichever is smaller.
        var last = -1;
        for (var p = 0; p < n; p++)
        {
            if (mask[p] == 0)
            {
                last = p;
                values[p] = 0;
            }
            else
            {
                values[p] = last < 0 ? double.PositiveInfinity : p - last;
            }
        }

        var next = -1;
        for (var p = n - 1; p >= 0; p--)
        {
            if (mask[p] == 0)
            {
                next = p;
                continue;
            }

            var steps = values[p];
            if (next >= 0 && next - p < steps)
            {
                steps = next - p;
            }

            var distance = steps * spacing;
            values[p] = distance * distance;
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
                        LowerEnvelope.Transform(input + b * n, output + b * n, n, spacing, rootsPointer, scratchPointer);
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

    /// <summary>Copies <paramref name="width"/> adjacent strided lines into consecutive rows of <paramref name="lines"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Gather(double* source, double* lines, int n, int stride, int width)
    {
        for (var i = 0; i < n; i++)
        {
            var row = source + (long)i * stride;
            for (var b = 0; b < width; b++)
            {
                lines[b * n + i] = row[b];
            }
        }
    }

    /// <summary>The inverse of <see cref="Gather"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scatter(double* lines, double* destination, int n, int stride, int width)
    {
        for (var i = 0; i < n; i++)
        {
            var row = destination + (long)i * stride;
            for (var b = 0; b < width; b++)
            {
                row[b] = lines[b * n + i];
            }
        }
    }

    /// <summary><see cref="Scatter"/> into the destination as the final result (the distance, or its square).</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void ScatterFinal(double* lines, long start, int n, int stride, int width)
    {
        for (var i = 0; i < n; i++)
        {
            var offset = start + (long)i * stride;
            for (var b = 0; b < width; b++)
            {
                Store(offset + b, lines[b * n + i]);
            }
        }
    }

    /// <summary>Writes one line of squared distances, contiguous, as the final result.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void WriteFinal(long start, double* values, int n)
    {
        for (var i = 0; i < n; i++)
        {
            Store(start + i, values[i]);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Store(long index, double squaredDistance)
    {
        var value = _squared ? squaredDistance : Math.Sqrt(squaredDistance);
        if (_floatDestination != null)
        {
            _floatDestination[index] = (float)value;
        }
        else
        {
            _doubleDestination[index] = value;
        }
    }
}
