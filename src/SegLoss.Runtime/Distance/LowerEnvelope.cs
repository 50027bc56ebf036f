using System.Runtime.CompilerServices;

namespace SegLoss.Runtime.Distance;

/// <summary>
/// The one-dimensional squared distance transform of a sampled function (Felzenszwalb and Huttenlocher, "Distance
/// Transforms of Sampled Functions", 2012): <c>d(p) = min over q of f(q) + ((p - q) * s)^2</c>, computed in linear
/// time as the lower envelope of the parabolas rooted at the finite samples. Sites with <c>f = +inf</c> hold no
/// parabola; a line without any finite sample stays <c>+inf</c>.
/// </summary>
/// <remarks>
/// In a distance transform, <c>f</c> is 0 exactly at background voxels, and a site beyond the nearest zero on either
/// side of <c>p</c> can never be strictly lower at <c>p</c> than that zero (its parabola is at least as high and
/// further away). So each run of nonzero samples is transformed on its own, with the zeros that bound it as its
/// outermost sites, and zeros give 0 directly: the same minimum, with about half the work on half-foreground masks.
/// Parabola intersections are compared by cross-multiplication, without division.
/// </remarks>
internal static unsafe class LowerEnvelope
{
    /// <summary>
    /// Transforms <paramref name="n"/> samples <paramref name="f"/> (non-negative or +inf) into <paramref name="d"/>
    /// (a distinct buffer), both <paramref name="stride"/> elements apart, with spacing <paramref name="s"/>.
    /// <paramref name="scratch"/> holds <c>3n</c> doubles, <paramref name="roots"/> <c>n</c> ints.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static void Transform(double* f, double* d, int n, int stride, double s, int* roots, double* scratch)
    {
        var p = 0;
        while (p < n)
        {
            if (f[p * stride] == 0)
            {
                d[p * stride] = 0;
                p++;
                continue;
            }

            var start = p;
            while (p < n && f[p * stride] != 0)
            {
                p++;
            }

            Run(f, d, stride, start > 0 ? start - 1 : start, p < n ? p : p - 1, start, p, s, roots, scratch, scratch + n, scratch + 2 * n);
        }
    }

    /// <summary>
    /// The envelope of the finite sites in <c>[firstSite, lastSite]</c>, evaluated at <c>[start, end)</c>. Parabola
    /// <c>j</c> of the envelope (root <c>roots[j]</c>, <c>heights[j] = f(root) + (root * s)^2</c>) is the lowest from
    /// <c>numerators[j] / denominators[j]</c> on (<c>j >= 1</c>; the first from -inf), where it meets parabola <c>j - 1</c>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Run(double* f, double* d, int stride, int firstSite, int lastSite, int start, int end, double s, int* roots, double* heights, double* numerators, double* denominators)
    {
        var twoSquared = 2.0 * s * s;
        var k = -1;
        for (var q = firstSite; q <= lastSite; q++)
        {
            var fq = f[q * stride];
            if (fq == double.PositiveInfinity)
            {
                continue;
            }

            var position = q * s;
            var hq = fq + position * position;
            if (k < 0)
            {
                k = 0;
                roots[0] = q;
                heights[0] = hq;
                continue;
            }

            // Pop parabolas that the new one hides: those whose start is at or after where the new one meets them.
            double numerator, denominator;
            while (true)
            {
                numerator = hq - heights[k];
                denominator = twoSquared * (q - roots[k]);
                if (k == 0 || numerator * denominators[k] > numerators[k] * denominator)
                {
                    break;
                }

                k--;
            }

            k++;
            roots[k] = q;
            heights[k] = hq;
            numerators[k] = numerator;
            denominators[k] = denominator;
        }

        if (k < 0)
        {
            for (var p = start; p < end; p++)
            {
                d[p * stride] = double.PositiveInfinity;
            }

            return;
        }

        var j = 0;
        for (var p = start; p < end; p++)
        {
            while (j < k && numerators[j + 1] < p * denominators[j + 1])
            {
                j++;
            }

            var r = roots[j];
            var offset = (p - r) * s;
            d[p * stride] = f[r * stride] + offset * offset;
        }
    }
}
