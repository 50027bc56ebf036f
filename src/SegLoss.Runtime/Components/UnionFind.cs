using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace SegLoss.Runtime.Components;

/// <summary>
/// Union-find over provisional labels stored as a parent array with <c>parent[i] ≤ i</c>: a union links the larger
/// root under the smaller, and <see cref="Find(int[], int)"/> halves paths. The root of a set is therefore its smallest label,
/// which is what makes the final numbering follow raster order (see <see cref="Flatten"/>).
/// </summary>
internal static class UnionFind
{
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Find(int[] parent, int x) => Find(ref MemoryMarshal.GetArrayDataReference(parent), x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Union(int[] parent, int a, int b) => Union(ref MemoryMarshal.GetArrayDataReference(parent), a, b);

    /// <summary><see cref="Find(int[], int)"/> on the first element of a parent array whose indices the caller guarantees.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static int Find(ref int parent, int x)
    {
        while (true)
        {
            var p = Unsafe.Add(ref parent, x);
            if (p == x)
            {
                return x;
            }

            var grandparent = Unsafe.Add(ref parent, p);
            Unsafe.Add(ref parent, x) = grandparent;
            x = grandparent;
        }
    }

    /// <summary><see cref="Union(int[], int, int)"/> on the first element of a parent array whose indices the caller guarantees.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Union(ref int parent, int a, int b)
    {
        a = Find(ref parent, a);
        b = Find(ref parent, b);
        if (a < b)
        {
            Unsafe.Add(ref parent, b) = a;
        }
        else if (b < a)
        {
            Unsafe.Add(ref parent, a) = b;
        }
    }

    /// <summary>
    /// Replaces every entry of <c>parent[0..count)</c> by its set's final label: roots in increasing order get 1, 2, …,
    /// every other entry its root's label. Returns the number of sets.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static int Flatten(int[] parent, int count)
    {
        var labels = 0;
        for (var i = 0; i < count; i++)
        {
            var p = parent[i];

            // p < i was already replaced by its final label; p == i is a new root.
            parent[i] = p == i ? ++labels : parent[p];
        }

        return labels;
    }
}
