using System;
using System.Collections.Generic;
using System.Numerics;

namespace SegLoss.Runtime.Metrics;

/// <summary>Instance maps with arbitrary ids made dense: 0 stays background, ids become 1..K in raster order.</summary>
internal static class InstanceMaps
{
    /// <summary>
    /// Dense labels of an instance map (0 background, every distinct positive id one instance, numbered by first
    /// appearance). Throws on a negative id.
    /// </summary>
    public static (int[] Labels, int Count) Compact<T>(ReadOnlySpan<T> ids, string parameter)
        where T : unmanaged, IBinaryInteger<T>
    {
        var max = T.Zero;
        foreach (var id in ids)
        {
            if (T.IsNegative(id))
            {
                throw new ArgumentException($"instance ids must be non-negative (0 is background); found {id}.", parameter);
            }

            max = T.Max(max, id);
        }

        var labels = new int[ids.Length];
        var count = 0;
        var largest = long.CreateSaturating(max);
        if (largest <= 4L * ids.Length + 1024)
        {
            var map = new int[largest + 1];
            for (var i = 0; i < ids.Length; i++)
            {
                var id = int.CreateTruncating(ids[i]);
                if (id != 0)
                {
                    labels[i] = map[id] != 0 ? map[id] : map[id] = ++count;
                }
            }

            return (labels, count);
        }

        var sparse = new Dictionary<T, int>();
        for (var i = 0; i < ids.Length; i++)
        {
            var id = ids[i];
            if (id != T.Zero)
            {
                if (!sparse.TryGetValue(id, out var label))
                {
                    sparse[id] = label = ++count;
                }

                labels[i] = label;
            }
        }

        return (labels, count);
    }
}
