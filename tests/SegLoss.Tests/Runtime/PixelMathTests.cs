using System;
using System.Numerics;
using SegLoss.Runtime.Kernels.Statistics;

namespace SegLoss.Tests.Runtime;

/// <summary>The per-pixel kernels' float logarithms and their other vector functions against double precision.</summary>
public sealed class PixelMathTests
{
    [Fact]
    public void Log_is_within_two_float_ulps_from_subnormals_to_the_largest_float()
    {
        var worst = 0.0;
        var lanes = new float[Vector<float>.Count];
        var filled = 0;
        void Check()
        {
            var result = VectorLog.Log(new Vector<float>(lanes));
            for (var lane = 0; lane < lanes.Length; lane++)
            {
                var exact = Math.Log(lanes[lane]);
                var ulp = Math.Abs(MathF.BitIncrement((float)exact) - (float)exact);
                worst = Math.Max(worst, Math.Abs(result[lane] - exact) / ulp);
            }
        }

        // Every 2^12-th float bit pattern of the positive floats (subnormals included): about 520,000 values.
        for (var bits = 1; bits < 0x7F800000; bits += 1 << 12)
        {
            lanes[filled++] = BitConverter.Int32BitsToSingle(bits);
            if (filled == lanes.Length)
            {
                Check();
                filled = 0;
            }
        }

        Assert.True(worst <= 2, $"worst error {worst} ulp");
    }

    [Fact]
    public void Log_of_normal_values_is_within_two_float_ulps_and_keeps_nan()
    {
        var worst = 0.0;
        var lanes = new float[Vector<float>.Count];
        for (var k = 0; k < 400_000; k++)
        {
            // The softmax's sums: from 1 to a few thousand, and across the normal range.
            lanes[k % lanes.Length] = k % 2 == 0 ? 1f + (k * (4000f / 400_000f)) : MathF.Pow(2, -126 + (k * (253f / 400_000f)));
            if (k % lanes.Length != lanes.Length - 1)
            {
                continue;
            }

            var result = VectorLog.LogOfNormal(new Vector<float>(lanes));
            for (var lane = 0; lane < lanes.Length; lane++)
            {
                var exact = Math.Log(lanes[lane]);
                worst = Math.Max(worst, Math.Abs(result[lane] - exact) / Ulp(exact));
            }
        }

        Assert.True(worst <= 2, $"worst error {worst} ulp");
        Assert.True(float.IsNaN(VectorLog.LogOfNormal(new Vector<float>(float.NaN))[0]));
    }

    [Fact]
    public void Log_keeps_the_special_values()
    {
        var special = new float[Vector<float>.Count];
        special[0] = 0f;
        special[1] = -1f;
        special[2] = float.PositiveInfinity;
        special[3] = float.NaN;
        special[4] = 1f;
        special[5] = float.Epsilon;
        var result = VectorLog.Log(new Vector<float>(special));
        Assert.Equal(float.NegativeInfinity, result[0]);
        Assert.True(float.IsNaN(result[1]));
        Assert.Equal(float.PositiveInfinity, result[2]);
        Assert.True(float.IsNaN(result[3]));
        Assert.Equal(0f, result[4]);
        Assert.Equal(MathF.Log(float.Epsilon), result[5], 5);
    }

    [Fact]
    public void LogP1_and_log_sigmoid_are_precise_where_the_argument_is_tiny()
    {
        var worstLog1p = 0.0;
        var worstLogSigmoid = 0.0;
        var lanes = new float[Vector<float>.Count];
        for (var k = 0; k < 100_000; k++)
        {
            // log1p over [-0.99, 4] and at 10^-30 .. 10^-1; log σ over [-90, 90].
            var x = k % 2 == 0 ? -0.99f + (k * (5f / 100_000f)) : MathF.Pow(10, -30 + (k * (29f / 100_000f)));
            var z = -90f + (k * (180f / 100_000f));
            lanes[k % lanes.Length] = x;
            var logSigmoid = PixelMath.LogSigmoid(new Vector<float>(z))[0];
            var exactLogSigmoid = Math.Min(z, 0) - Log1p(Math.Exp(-Math.Abs((double)z)));
            if (Math.Abs(exactLogSigmoid) < 1.2e-38)
            {
                // Above z = 87.3 the exponential is flushed to 0 below float's normal range: log σ is 0 there.
                Assert.InRange(logSigmoid, -1.2e-38f, 0f);
            }
            else
            {
                worstLogSigmoid = Math.Max(worstLogSigmoid, Math.Abs(logSigmoid - exactLogSigmoid) / Ulp(exactLogSigmoid));
            }
            if (k % lanes.Length != lanes.Length - 1)
            {
                continue;
            }

            var result = VectorLog.LogP1(new Vector<float>(lanes));
            for (var lane = 0; lane < lanes.Length; lane++)
            {
                var exact = Log1p(lanes[lane]);
                var error = Math.Abs(result[lane] - exact) / Ulp(exact);
                Assert.True(error <= 4, $"log1p({lanes[lane]:R}) = {result[lane]:R}, exact {exact:R}");
                worstLog1p = Math.Max(worstLog1p, error);
            }
        }

        Assert.True(worstLog1p <= 4, $"log1p: worst error {worstLog1p} ulp");
        Assert.True(worstLogSigmoid <= 4, $"log sigmoid: worst error {worstLogSigmoid} ulp");
    }

    [Fact]
    public void Double_functions_are_the_scalar_ones_lane_by_lane()
    {
        var x = new Vector<double>(new[] { -3.5, 0.25, 1e-300, 700 }.AsSpan()[..Vector<double>.Count]);
        for (var lane = 0; lane < Vector<double>.Count; lane++)
        {
            Assert.Equal(Math.Exp(x[lane]), PixelMath.Exp(x)[lane]);
            Assert.Equal(Math.Log(x[lane]), PixelMath.Log(x)[lane]);
            Assert.Equal(Math.Pow(x[lane], 2.5), PixelMath.Pow(x, 2.5)[lane]);
            Assert.Equal(x[lane] * x[lane], PixelMath.Pow(x, 2.0)[lane]);
        }
    }

    [Fact]
    public void Float_exp_above_88_is_computed_lane_by_lane_up_to_overflow()
    {
        var lanes = new float[Vector<float>.Count];
        lanes[0] = 88.5f;
        lanes[1] = 89f;
        lanes[2] = -1f;
        var result = PixelMath.Exp(new Vector<float>(lanes));
        Assert.Equal(MathF.Exp(88.5f), result[0]);
        Assert.Equal(float.PositiveInfinity, result[1]);
        Assert.Equal(MathF.Exp(-1f), result[2], 6);
    }

    /// <summary>log(1 + x) in double, exact to double rounding also for tiny x (where .NET's LogP1 returns 0).</summary>
    private static double Log1p(double x) => Math.Abs(x) < 1e-4 ? x - (x * x / 2) + (x * x * x / 3) : Math.Log(1 + x);

    private static double Ulp(double value) => Math.Max(Math.Abs(MathF.BitIncrement((float)value) - (float)value), float.Epsilon);
}
