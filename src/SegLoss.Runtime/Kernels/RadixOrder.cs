using System;

namespace SegLoss.Runtime.Kernels;

/// <summary>
/// A stable descending order of floating-point keys by LSD radix sort on their bit patterns (8 bits per pass): equal
/// keys keep their original order, as a stable sort does. Linear in the number of keys, unlike a comparison sort.
/// </summary>
internal static class RadixOrder
{
    /// <summary>The positions of <paramref name="keys"/> from the largest key to the smallest (NaN first).</summary>
    public static void Descending(ReadOnlySpan<double> keys, Span<int> order)
    {
        var bits = new ulong[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            // Ascending order of the complement of the order-preserving bit pattern = descending keys.
            var raw = BitConverter.DoubleToUInt64Bits(keys[i]);
            bits[i] = ~((raw & 0x8000_0000_0000_0000UL) != 0 ? ~raw : raw | 0x8000_0000_0000_0000UL);
        }

        Sort(bits, order, keyBytes: 8);
    }

    /// <inheritdoc cref="Descending(ReadOnlySpan{double}, Span{int})"/>
    public static void Descending(ReadOnlySpan<float> keys, Span<int> order)
    {
        var bits = new ulong[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            var raw = BitConverter.SingleToUInt32Bits(keys[i]);
            bits[i] = ~((raw & 0x8000_0000u) != 0 ? ~raw : raw | 0x8000_0000u);
        }

        Sort(bits, order, keyBytes: 4);
    }

    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]
    private static void Sort(ulong[] bits, Span<int> order, int keyBytes)
    {
        var n = bits.Length;
        var index = new int[n];
        var scratchIndex = new int[n];
        var scratchBits = new ulong[n];
        for (var i = 0; i < n; i++)
        {
            index[i] = i;
        }

        var counts = new int[256];
        for (var pass = 0; pass < keyBytes; pass++)
        {
            var shift = pass * 8;
            Array.Clear(counts);
            for (var i = 0; i < n; i++)
            {
                counts[(int)((bits[i] >> shift) & 0xFF)]++;
            }

            if (Array.IndexOf(counts, n) >= 0)
            {
                continue; // every key has the same byte here
            }

            var position = 0;
            for (var b = 0; b < 256; b++)
            {
                (counts[b], position) = (position, position + counts[b]);
            }

            for (var i = 0; i < n; i++)
            {
                var target = counts[(int)((bits[i] >> shift) & 0xFF)]++;
                scratchBits[target] = bits[i];
                scratchIndex[target] = index[i];
            }

            (bits, scratchBits) = (scratchBits, bits);
            (index, scratchIndex) = (scratchIndex, index);
        }

        index.AsSpan().CopyTo(order);
    }
}
