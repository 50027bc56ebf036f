using System;
using System.Buffers;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SegLoss.Runtime.Kernels;

/// <summary>
/// A stable ascending LSD radix sort of 64-bit items by their bits from <c>lowBit</c> up, 8 bits per pass; the bits
/// below <c>lowBit</c> ride along unsorted (a payload packed into the item), and so may a separate 32-bit payload.
/// Items with equal sorted bits keep their order. Passes whose digit is the same in every item are skipped.
/// </summary>
internal static class RadixSort
{
    private const int DigitBits = 8;
    private const int Buckets = 1 << DigitBits;

    /// <summary>
    /// Sorts <paramref name="items"/> (and <paramref name="payload"/>, if not empty, alongside) in place;
    /// <paramref name="scratch"/> and <paramref name="payloadScratch"/> are as long and are overwritten.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Ascending(Span<ulong> items, Span<ulong> scratch, int lowBit, Span<uint> payload = default, Span<uint> payloadScratch = default)
    {
        var passes = (64 - lowBit + DigitBits - 1) / DigitBits;
        var countArray = ArrayPool<int>.Shared.Rent(passes * Buckets);
        var counts = countArray.AsSpan(0, passes * Buckets);
        counts.Clear();
        foreach (var item in items)
        {
            var digits = item >> lowBit;
            for (var pass = 0; pass < passes; pass++, digits >>= DigitBits)
            {
                counts[(pass * Buckets) + (int)(digits & (Buckets - 1))]++;
            }
        }

        var source = items;
        var target = scratch;
        var sourcePayload = payload;
        var targetPayload = payloadScratch;
        for (var pass = 0; pass < passes; pass++)
        {
            var offsets = counts.Slice(pass * Buckets, Buckets);
            if (offsets.IndexOf(items.Length) >= 0)
            {
                continue; // every item has the same digit here
            }

            var position = 0;
            foreach (ref var offset in offsets)
            {
                var bucketCount = offset;
                offset = position;
                position += bucketCount;
            }

            Scatter(source, target, sourcePayload, targetPayload, lowBit + (pass * DigitBits), offsets);
            var swap = source;
            source = target;
            target = swap;
            var swapPayload = sourcePayload;
            sourcePayload = targetPayload;
            targetPayload = swapPayload;
        }

        ArrayPool<int>.Shared.Return(countArray);
        if (source != items)
        {
            source.CopyTo(items);
            sourcePayload.CopyTo(payload);
        }
    }

    /// <summary>One pass: each item to the next place of its digit's bucket.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Scatter(Span<ulong> source, Span<ulong> target, Span<uint> sourcePayload, Span<uint> targetPayload, int shift, Span<int> offsets)
    {
        ref var to = ref MemoryMarshal.GetReference(target);
        ref var next = ref MemoryMarshal.GetReference(offsets);
        if (sourcePayload.IsEmpty)
        {
            foreach (var item in source)
            {
                Unsafe.Add(ref to, Unsafe.Add(ref next, (int)((item >> shift) & (Buckets - 1)))++) = item;
            }

            return;
        }

        ref var toPayload = ref MemoryMarshal.GetReference(targetPayload);
        for (var i = 0; i < source.Length; i++)
        {
            var at = Unsafe.Add(ref next, (int)((source[i] >> shift) & (Buckets - 1)))++;
            Unsafe.Add(ref to, at) = source[i];
            Unsafe.Add(ref toPayload, at) = sourcePayload[i];
        }
    }
}
