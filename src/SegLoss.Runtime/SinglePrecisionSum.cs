using System;

namespace SegLoss.Runtime;

/// <summary>
/// The float32 sum of a contiguous vector in the order torch's CPU kernel adds it (ATen's cascade sum with 8-lane AVX2
/// vectors): four interleaved rows of vectors, each a four-level cascade flushed every 2^k vectors, the leftover vectors,
/// the rows combined, then the scalar tail from zero and the eight lanes in order. References that take the mean of a
/// float32 tensor (SegLossOdyssey's BDLoss) round this way; another order differs in the last bits.
/// </summary>
internal static class SinglePrecisionSum
{
    private const int Lanes = 8;
    private const int Rows = 4;
    private const int Levels = 4;

    public static float TorchOrder(ReadOnlySpan<float> values)
    {
        var n = values.Length;
        if (n < Lanes)
        {
            // Scalars: the same rows and cascade with one lane.
            var scalarRows = RowSums(values, 1, n / Rows);
            for (var i = (n / Rows) * Rows; i < n; i++)
            {
                scalarRows[0][0] += values[i];
            }

            return Combine(scalarRows)[0];
        }

        var vectors = n / Lanes;
        var rowSize = vectors / Rows;
        var rows = RowSums(values, Lanes, rowSize);
        for (var v = rowSize * Rows; v < vectors; v++)
        {
            Add(rows[0], values.Slice(v * Lanes, Lanes));
        }

        var lanes = Combine(rows);
        var total = 0f;
        for (var i = vectors * Lanes; i < n; i++)
        {
            total += values[i];
        }

        foreach (var lane in lanes)
        {
            total += lane;
        }

        return total;
    }

    /// <summary>ATen's multi_row_sum: row k of step i is the vector (or scalar) at <c>i·Rows + k</c>.</summary>
    private static float[][] RowSums(ReadOnlySpan<float> values, int width, int size)
    {
        var levelPower = Math.Max(4, CeilLog2(size) / Levels);
        var levelStep = 1 << levelPower;
        var levelMask = levelStep - 1;
        var accumulators = new float[Levels][][];
        for (var level = 0; level < Levels; level++)
        {
            accumulators[level] = new float[Rows][];
            for (var row = 0; row < Rows; row++)
            {
                accumulators[level][row] = new float[width];
            }
        }

        var i = 0;
        while (i + levelStep <= size)
        {
            for (var step = 0; step < levelStep; step++, i++)
            {
                for (var row = 0; row < Rows; row++)
                {
                    Add(accumulators[0][row], values.Slice(((i * Rows) + row) * width, width));
                }
            }

            for (var level = 1; level < Levels; level++)
            {
                for (var row = 0; row < Rows; row++)
                {
                    Add(accumulators[level][row], accumulators[level - 1][row]);
                    Array.Clear(accumulators[level - 1][row]);
                }

                if ((i & (levelMask << (level * levelPower))) != 0)
                {
                    break;
                }
            }
        }

        for (; i < size; i++)
        {
            for (var row = 0; row < Rows; row++)
            {
                Add(accumulators[0][row], values.Slice(((i * Rows) + row) * width, width));
            }
        }

        for (var level = 1; level < Levels; level++)
        {
            for (var row = 0; row < Rows; row++)
            {
                Add(accumulators[0][row], accumulators[level][row]);
            }
        }

        return accumulators[0];
    }

    /// <summary>The rows added into the first, in order.</summary>
    private static float[] Combine(float[][] rows)
    {
        for (var row = 1; row < Rows; row++)
        {
            Add(rows[0], rows[row]);
        }

        return rows[0];
    }

    private static void Add(float[] sum, ReadOnlySpan<float> values)
    {
        for (var lane = 0; lane < sum.Length; lane++)
        {
            sum[lane] += values[lane];
        }
    }

    private static int CeilLog2(int value) => value <= 1 ? 0 : 32 - System.Numerics.BitOperations.LeadingZeroCount((uint)(value - 1));
}
