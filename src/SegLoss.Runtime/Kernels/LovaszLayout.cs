using System.Numerics;

namespace SegLoss.Runtime.Kernels;

/// <summary>
/// Where the rows of the Lovász extension lie in an <c>[N, C, X]</c> tensor. A row is one class of one sample (one
/// segment of X values), or, pooled, one class over the whole batch (N segments, one per sample, in sample order). A
/// value's place in its row, packed into 31 bits for the sort, is its segment above <see cref="PixelBits"/> bits and
/// its pixel below: the same order as the row's concatenated positions.
/// </summary>
internal readonly record struct LovaszLayout(long Samples, long Classes, long Pixels, bool Pooled)
{
    /// <summary>The number of rows: C pooled, else N·C.</summary>
    public int Rows => (int)(Pooled ? Classes : Samples * Classes);

    /// <summary>The number of segments of X values in a row: N pooled, else 1.</summary>
    public int Segments => Pooled ? (int)Samples : 1;

    /// <summary>The bits of a pixel index in a packed place.</summary>
    public int PixelBits => BitOperations.Log2((ulong)Pixels - 1) + 1;

    /// <summary>The offset in the tensor of segment <paramref name="segment"/> of row <paramref name="row"/>.</summary>
    public long SegmentStart(int row, int segment) =>
        Pooled ? (((long)segment * Classes) + row) * Pixels : (long)row * Pixels;

    /// <summary>The offset in an <c>[N, 1, X]</c> tensor (labels, validity) of the same segment.</summary>
    public long SampleStart(int row, int segment) => (Pooled ? segment : row / Classes) * Pixels;

    /// <summary>The class of row <paramref name="row"/>.</summary>
    public long ClassOf(int row) => Pooled ? row : row % Classes;

    /// <summary>Whether every packed place fits in 31 bits and a row's values in one array.</summary>
    public static bool Fits(long samples, long classes, long pixels, bool pooled)
    {
        if (pixels < 1 || samples * classes < 1)
        {
            return false;
        }

        var layout = new LovaszLayout(samples, classes, pixels, pooled);
        return layout.PixelBits <= 30 && ((long)layout.Segments << layout.PixelBits) < (1L << 31)
            && layout.Segments * pixels <= System.Array.MaxLength;
    }
}
