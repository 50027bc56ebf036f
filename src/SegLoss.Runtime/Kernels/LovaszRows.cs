using System;
using System.Buffers;
using System.Numerics;
using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace SegLoss.Runtime.Kernels;

/// <summary>
/// The Lovász extension's rows on the CPU, each independently (<see cref="Run"/>, called in parallel): the valid values
/// of the row become sort items (the error's descending key, its packed place and whether it is the row's class), a
/// stable radix sort orders them, and one pass in that order accumulates the Jaccard increments, the loss and each
/// value's increment, written at its place in the <c>[N, C, X]</c> gradient (0 where a pixel is not valid).
/// A float's item is one 64-bit word (key above, place and class bit below); a double's key takes the whole word, with
/// the place and class bit in a separate payload.
/// </summary>
internal readonly unsafe struct LovaszRows<T>
    where T : unmanaged, IFloatingPointIeee754<T>
{
    private readonly LovaszLayout _layout;
    private readonly T* _errors;
    private readonly long* _labels;
    private readonly T* _dense;
    private readonly T* _valid;
    private readonly T* _increments;
    private readonly bool _single;

    /// <summary>
    /// Reads <c>errors</c> <c>[N, C, X]</c>, <c>truth</c> (class indices <c>[N, 1, X]</c>, int64, or a dense target
    /// <c>[N, C, X]</c> of type T) and <c>valid</c> (<c>[N, 1, X]</c> or null), all contiguous; writes <c>increments</c>.
    /// </summary>
    public LovaszRows(LovaszLayout layout, Tensor errors, Tensor truth, Tensor? valid, Tensor increments, bool singlePrecisionIncrements)
    {
        _layout = layout;
        _errors = TensorMemory.Address<T>(errors);
        _labels = truth.dtype == ScalarType.Int64 ? TensorMemory.Address<long>(truth) : null;
        _dense = truth.dtype == ScalarType.Int64 ? null : TensorMemory.Address<T>(truth);
        _valid = valid is null ? null : TensorMemory.Address<T>(valid);
        _increments = TensorMemory.Address<T>(increments);
        _single = singlePrecisionIncrements;
    }

    private static bool PackedKey => typeof(T) == typeof(float);

    /// <summary>Row <paramref name="row"/>'s loss; its increments are written to the gradient.</summary>
    public double Run(int row)
    {
        var length = _layout.Segments * (int)_layout.Pixels;
        var items = ArrayPool<ulong>.Shared.Rent(length);
        var scratch = ArrayPool<ulong>.Shared.Rent(length);
        var payload = PackedKey ? Array.Empty<uint>() : ArrayPool<uint>.Shared.Rent(length);
        var payloadScratch = PackedKey ? Array.Empty<uint>() : ArrayPool<uint>.Shared.Rent(length);
        try
        {
            var (count, total, soft) = Gather(row, items, payload);
            var payloadSpan = PackedKey ? default : payload.AsSpan(0, count);
            var payloadScratchSpan = PackedKey ? default : payloadScratch.AsSpan(0, count);
            RadixSort.Ascending(items.AsSpan(0, count), scratch.AsSpan(0, count), PackedKey ? 32 : 0, payloadSpan, payloadScratchSpan);
            return Accumulate(row, items.AsSpan(0, count), payloadSpan, total, soft);
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(items);
            ArrayPool<ulong>.Shared.Return(scratch);
            if (!PackedKey)
            {
                ArrayPool<uint>.Shared.Return(payload);
                ArrayPool<uint>.Shared.Return(payloadScratch);
            }
        }
    }

    /// <summary>
    /// The row's valid values as sort items, in place order; the target's total over them; whether the target is soft
    /// (some value other than 0 and 1, read again in <see cref="Accumulate"/> instead of the class bit).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private (int Count, double Total, bool Soft) Gather(int row, ulong[] items, uint[] payload)
    {
        var (count, total, soft) = (0, 0.0, false);
        var pixels = (int)_layout.Pixels;
        var rowClass = _layout.ClassOf(row);
        for (var segment = 0; segment < _layout.Segments; segment++)
        {
            var start = _layout.SegmentStart(row, segment);
            var sampleStart = _layout.SampleStart(row, segment);
            var placeBase = (uint)segment << _layout.PixelBits;
            for (var x = 0; x < pixels; x++)
            {
                if (_valid is not null && _valid[sampleStart + x] == T.Zero)
                {
                    _increments[start + x] = T.Zero;
                    continue;
                }

                bool inClass;
                if (_labels is not null)
                {
                    inClass = _labels[sampleStart + x] == rowClass;
                    total += inClass ? 1 : 0;
                }
                else
                {
                    var y = double.CreateTruncating(_dense[start + x]);
                    inClass = y != 0;
                    soft |= y is not (0 or 1);
                    total += y;
                }

                var packed = (((placeBase | (uint)x) << 1) | (inClass ? 1u : 0u));
                var key = DescendingKeys.Of(_errors[start + x]);
                if (PackedKey)
                {
                    items[count] = (key << 32) | packed;
                }
                else
                {
                    items[count] = key;
                    payload[count] = packed;
                }

                count++;
            }
        }

        return (count, total, soft);
    }

    /// <summary>The pass in decreasing order of the errors: the loss, and each value's increment in the gradient.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private double Accumulate(int row, ReadOnlySpan<ulong> sorted, ReadOnlySpan<uint> payload, double total, bool soft)
    {
        var pixelMask = (1u << _layout.PixelBits) - 1;
        var (inside, outside, previous, loss) = (0.0, 0.0, 0.0, 0.0);
        for (var k = 0; k < sorted.Length; k++)
        {
            var packed = PackedKey ? (uint)sorted[k] : payload[k];
            var place = packed >> 1;
            var at = _layout.SegmentStart(row, (int)(place >> _layout.PixelBits)) + (place & pixelMask);
            var y = soft ? double.CreateTruncating(_dense[at]) : packed & 1;
            inside += y;
            outside += 1 - y;
            double jaccard;
            double increment;
            if (_single)
            {
                var j = 1f - (((float)total - (float)inside) / ((float)total + (float)outside));
                increment = k == 0 ? j : j - (float)previous;
                jaccard = j;
            }
            else
            {
                jaccard = 1 - ((total - inside) / (total + outside));
                increment = k == 0 ? jaccard : jaccard - previous;
            }

            previous = jaccard;
            _increments[at] = T.CreateTruncating(increment);
            var error = double.CreateTruncating(DescendingKeys.ToValue<T>(PackedKey ? sorted[k] >> 32 : sorted[k]));
            loss += error * increment;
        }

        return loss;
    }
}
