using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace SegLoss.Runtime.Components;

/// <summary>Finds the foreground runs of a row of a byte mask (non-zero = foreground), 64 voxels per step.</summary>
internal static unsafe class RowRuns
{
    /// <summary>
    /// Appends the runs of <paramref name="row"/> (<paramref name="width"/> bytes) to <paramref name="slab"/>, each its own
    /// set. The slab must have room for <c>(width + 1) / 2</c> more runs.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Append(byte* row, int width, SlabRuns slab)
    {
        var start = slab.Start;
        var end = slab.End;
        var parent = slab.Parent;
        var count = slab.Count;
        var open = false;
        var runStart = 0;
        for (var chunk = 0; chunk < width; chunk += 64)
        {
            var length = width - chunk < 64 ? width - chunk : 64;
            var bits = Foreground(row + chunk, length);
            while (true)
            {
                if (!open)
                {
                    if (bits == 0)
                    {
                        break;
                    }

                    var first = BitOperations.TrailingZeroCount(bits);
                    runStart = chunk + first;
                    open = true;

                    // Background from the run start on: ones where the run may end.
                    bits = ~bits & (ulong.MaxValue << first);
                }
                else
                {
                    bits = ~bits;
                }

                if (bits == 0)
                {
                    // Foreground to the end of a full chunk: the run continues in the next one.
                    break;
                }

                var stop = BitOperations.TrailingZeroCount(bits);
                if (chunk + stop >= width)
                {
                    break;
                }

                start[count] = runStart;
                end[count] = chunk + stop;
                parent[count] = count;
                count++;
                open = false;

                // Back to foreground bits after the run's end.
                bits = ~bits & (ulong.MaxValue << stop);
            }
        }

        if (open)
        {
            start[count] = runStart;
            end[count] = width;
            parent[count] = count;
            count++;
        }

        slab.Count = count;
    }

    /// <summary>Bit i set when <c>p[i] != 0</c>, for i &lt; <paramref name="length"/> (1..64); higher bits clear.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong Foreground(byte* p, int length)
    {
        ulong zeros = 0;
        var i = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            for (; i + 32 <= length; i += 32)
            {
                zeros |= (ulong)Vector256.Equals(Vector256.Load(p + i), Vector256<byte>.Zero).ExtractMostSignificantBits() << i;
            }
        }

        if (Vector128.IsHardwareAccelerated)
        {
            for (; i + 16 <= length; i += 16)
            {
                zeros |= (ulong)Vector128.Equals(Vector128.Load(p + i), Vector128<byte>.Zero).ExtractMostSignificantBits() << i;
            }
        }

        var foreground = i == 64 ? ~zeros : ~zeros & ((1UL << i) - 1);
        for (; i < length; i++)
        {
            foreground |= p[i] != 0 ? 1UL << i : 0;
        }

        return foreground;
    }
}
