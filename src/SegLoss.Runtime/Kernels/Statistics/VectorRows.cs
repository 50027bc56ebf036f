using System.Numerics;
using System.Runtime.CompilerServices;

namespace SegLoss.Runtime.Kernels.Statistics;

/// <summary>Loads and stores of <see cref="Vector{T}"/> at an element offset from a row's first element.</summary>
internal static class VectorRows
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<T> Load<T>(ref T origin, int offset)
        where T : unmanaged
    {
        return Unsafe.ReadUnaligned<Vector<T>>(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref origin, offset)));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store<T>(Vector<T> value, ref T origin, int offset)
        where T : unmanaged
    {
        Unsafe.WriteUnaligned(ref Unsafe.As<T, byte>(ref Unsafe.Add(ref origin, offset)), value);
    }
}
