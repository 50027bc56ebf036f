using System;
using System.Numerics;
using SegLoss.Runtime.Kernels.Statistics;

namespace SegLoss.Tests.Runtime;

/// <summary>The kernel's float exponential against the double-precision one.</summary>
public sealed class VectorExpTests
{
    [Fact]
    public void Exp_is_within_two_float_ulps_of_the_exact_value_and_zero_below_the_normal_range()
    {
        var lanes = new float[Vector<float>.Count];
        var worst = 0.0;
        for (var k = 0; k < 2_000_000; k++)
        {
            // Every 2^-16 from -100 to 30, lane by lane.
            var x = -100f + (k * (130f / 2_000_000f));
            lanes[k % lanes.Length] = x;
            if (k % lanes.Length != lanes.Length - 1)
            {
                continue;
            }

            var result = VectorExp.Exp(new Vector<float>(lanes));
            for (var lane = 0; lane < lanes.Length; lane++)
            {
                var exact = Math.Exp(lanes[lane]);
                if (lanes[lane] < VectorExp.Lowest)
                {
                    Assert.Equal(0f, result[lane]);
                    continue;
                }

                var ulp = Math.Abs(MathF.BitIncrement((float)exact) - (float)exact);
                worst = Math.Max(worst, Math.Abs(result[lane] - exact) / ulp);
            }
        }

        Assert.True(worst <= 2, $"worst error {worst} ulp");
    }

    [Fact]
    public void Sigmoid_is_within_four_float_ulps_and_tiny_far_below_zero()
    {
        var lanes = new float[Vector<float>.Count];
        var worst = 0.0;
        for (var k = 0; k < 400_000; k++)
        {
            var x = -120f + (k * (240f / 400_000f));
            lanes[k % lanes.Length] = x;
            if (k % lanes.Length != lanes.Length - 1)
            {
                continue;
            }

            var result = VectorExp.Sigmoid(new Vector<float>(lanes));
            for (var lane = 0; lane < lanes.Length; lane++)
            {
                var exact = 1 / (1 + Math.Exp(-lanes[lane]));
                if (lanes[lane] < -88)
                {
                    Assert.InRange(result[lane], 0f, 1e-38f);
                    continue;
                }

                var ulp = Math.Abs(MathF.BitIncrement((float)exact) - (float)exact);
                worst = Math.Max(worst, Math.Abs(result[lane] - exact) / ulp);
            }
        }

        Assert.True(worst <= 4, $"worst error {worst} ulp");
        var special = new float[Vector<float>.Count];
        special[0] = float.NaN;
        special[1] = float.PositiveInfinity;
        var ends = VectorExp.Sigmoid(new Vector<float>(special));
        Assert.True(float.IsNaN(ends[0]));
        Assert.Equal(1f, ends[1]);
    }

    [Fact]
    public void Exp_keeps_NaN_and_gives_exact_values_at_zero_and_minus_infinity()
    {
        var x = new float[Vector<float>.Count];
        x[0] = float.NaN;
        x[1] = 0f;
        if (x.Length > 2)
        {
            x[2] = float.NegativeInfinity;
        }

        var result = VectorExp.Exp(new Vector<float>(x));
        Assert.True(float.IsNaN(result[0]));
        Assert.Equal(1f, result[1]);
        if (x.Length > 2)
        {
            Assert.Equal(0f, result[2]);
        }
    }
}
