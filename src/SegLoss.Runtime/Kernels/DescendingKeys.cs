using System;
using System.Numerics;
using System.Runtime.CompilerServices;

namespace SegLoss.Runtime.Kernels;

/// <summary>
/// Floating-point values as unsigned keys that increase as the value decreases (NaN first), and back: an ascending
/// integer order of the keys is a descending order of the values. A float's key has 32 significant bits, a double's 64.
/// </summary>
internal static class DescendingKeys
{
    /// <summary>The key of <paramref name="value"/>: the complement of its order-preserving bit pattern.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static ulong Of<T>(T value)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            var raw = BitConverter.SingleToUInt32Bits(Unsafe.As<T, float>(ref value));
            return ~((raw & 0x8000_0000u) != 0 ? ~raw : raw | 0x8000_0000u);
        }

        var bits = BitConverter.DoubleToUInt64Bits(Unsafe.As<T, double>(ref value));
        return ~((bits & 0x8000_0000_0000_0000UL) != 0 ? ~bits : bits | 0x8000_0000_0000_0000UL);
    }

    /// <summary>The value whose key is <paramref name="key"/> (for a float, the key's low 32 bits).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static T ToValue<T>(ulong key)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            var ordered = ~(uint)key;
            var single = BitConverter.UInt32BitsToSingle((ordered & 0x8000_0000u) != 0 ? ordered & 0x7FFF_FFFFu : ~ordered);
            return Unsafe.As<float, T>(ref single);
        }

        var orderedBits = ~key;
        var number = BitConverter.UInt64BitsToDouble((orderedBits & 0x8000_0000_0000_0000UL) != 0 ? orderedBits & 0x7FFF_FFFF_FFFF_FFFFUL : ~orderedBits);
        return Unsafe.As<double, T>(ref number);
    }
}
