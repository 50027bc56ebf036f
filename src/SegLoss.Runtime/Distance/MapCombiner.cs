using System;

namespace SegLoss.Runtime.Distance;

/// <summary>The formulas of <see cref="DistanceMapConvention"/>, applied to one volume.</summary>
internal static class MapCombiner
{
    /// <summary>
    /// Overwrites <paramref name="inside"/> (<c>edt(m)</c>) with the map, given <paramref name="outside"/>
    /// (<c>edt(1 - m)</c>). Operations follow the references' order, so values match theirs to the last bit where the
    /// distances do.
    /// </summary>
    public static void Combine(DistanceMapConvention convention, ReadOnlySpan<byte> mask, Span<double> inside, ReadOnlySpan<double> outside)
    {
        var hasForeground = mask.IndexOfAnyExcept((byte)0) >= 0;
        var hasBackground = mask.IndexOf((byte)0) >= 0;
        switch (convention)
        {
            case DistanceMapConvention.KervadecSigned when hasForeground:
                for (var i = 0; i < inside.Length; i++)
                {
                    inside[i] = mask[i] != 0 ? 0.0 - (inside[i] - 1.0) : outside[i];
                }

                break;
            case DistanceMapConvention.SegLossOdysseyHausdorff when hasForeground:
            case DistanceMapConvention.MonaiHausdorff when hasForeground && hasBackground:
                for (var i = 0; i < inside.Length; i++)
                {
                    inside[i] += outside[i];
                }

                break;
            case DistanceMapConvention.SegLossOdysseyPenalized:
                Penalized(mask, inside, outside);
                break;
            default:
                inside.Clear();
                break;
        }
    }

    /// <summary><c>P / max P + N / max N</c>; a side whose maximum is 0 contributes 0.</summary>
    private static void Penalized(ReadOnlySpan<byte> mask, Span<double> inside, ReadOnlySpan<double> outside)
    {
        var insideMax = Max(inside);
        var outsideMax = Max(outside);
        double positiveMax = 0, negativeMax = 0;
        for (var i = 0; i < inside.Length; i++)
        {
            if (mask[i] != 0)
            {
                positiveMax = Math.Max(positiveMax, insideMax - inside[i]);
            }
            else
            {
                negativeMax = Math.Max(negativeMax, outsideMax - outside[i]);
            }
        }

        for (var i = 0; i < inside.Length; i++)
        {
            inside[i] = mask[i] != 0
                ? (positiveMax == 0 ? 0.0 : (insideMax - inside[i]) / positiveMax)
                : (negativeMax == 0 ? 0.0 : (outsideMax - outside[i]) / negativeMax);
        }
    }

    private static double Max(ReadOnlySpan<double> values)
    {
        var max = 0.0;
        foreach (var value in values)
        {
            max = Math.Max(max, value);
        }

        return max;
    }
}
