using System;
using System.Collections.Generic;
using System.Numerics;
using System.Runtime.CompilerServices;
using static TorchSharp.torch;

namespace SegLoss.Runtime;

/// <summary>
/// Blob loss's segmented sums of values at the instance voxels <c>[M]</c>: per instance (<c>[R]</c>) and per sample
/// and class (<c>[S]</c>), returned end to end as <c>[R + S]</c>. Contiguous float32/float64 CPU values take one
/// serial pass (index_add's order, so the sums are the same) and a parallel backward that writes each voxel's
/// gradient once (its instance's plus its sample-and-class's); other tensors take two index_adds through autograd.
/// </summary>
internal static class MemberSums
{
    public static Tensor Of(Tensor values, Tensor rowOf, Tensor segmentOf, long rows, long segments)
    {
        if (values.device_type == TorchSharp.DeviceType.CPU && values.dtype is ScalarType.Float32 or ScalarType.Float64 && BlobMembers.Enabled)
        {
            return MemberSumsFunction.apply(values.contiguous(), rowOf, segmentOf, rows, segments);
        }

        return cat(new[]
        {
            zeros(rows, values.dtype, values.device).index_add(0, rowOf, values, 1),
            zeros(segments, values.dtype, values.device).index_add(0, segmentOf, values, 1),
        });
    }

    private sealed class MemberSumsFunction : autograd.SingleTensorFunction<MemberSumsFunction>
    {
        private const int ChunkMembers = 1 << 14;

        public override string Name => "SegLoss.BlobMemberSums";

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var values = (Tensor)vars[0];
            var rowOf = (Tensor)vars[1];
            var segmentOf = (Tensor)vars[2];
            var rows = (long)vars[3];
            var sums = zeros(rows + (long)vars[4], values.dtype);
            if (values.numel() > 0)
            {
                if (values.dtype == ScalarType.Float32)
                {
                    Sum<float>(values, rowOf, segmentOf, rows, sums);
                }
                else
                {
                    Sum<double>(values, rowOf, segmentOf, rows, sums);
                }
            }

            ctx.save_for_backward(new List<Tensor> { rowOf, segmentOf });
            ctx.save_data("rows", rows);
            return sums;
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
        {
            var saved = ctx.get_saved_variables();
            var (rowOf, segmentOf) = (saved[0], saved[1]);
            var gradient = empty(rowOf.numel(), grad_output.dtype);
            if (rowOf.numel() > 0)
            {
                var perSum = grad_output.contiguous();
                if (perSum.dtype == ScalarType.Float32)
                {
                    Scatter<float>(perSum, rowOf, segmentOf, (long)ctx.get_data("rows"), gradient);
                }
                else
                {
                    Scatter<double>(perSum, rowOf, segmentOf, (long)ctx.get_data("rows"), gradient);
                }
            }

            return new List<Tensor> { gradient, null!, null!, null!, null! };
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void Sum<T>(Tensor values, Tensor rowOf, Tensor segmentOf, long rows, Tensor sums)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var value = TensorMemory.Address<T>(values);
            var row = TensorMemory.Address<long>(rowOf);
            var segment = TensorMemory.Address<long>(segmentOf);
            var sum = TensorMemory.Address<T>(sums);
            var members = values.numel();

            // Consecutive members mostly share their instance: the running sums stay in registers until it changes
            // (the same additions in the same order as adding into memory).
            var (currentRow, currentSegment) = (row[0], rows + segment[0]);
            var (rowSum, segmentSum) = (sum[currentRow], sum[currentSegment]);
            for (long m = 0; m < members; m++)
            {
                var v = value[m];
                if (row[m] != currentRow)
                {
                    sum[currentRow] = rowSum;
                    currentRow = row[m];
                    rowSum = sum[currentRow];
                }

                if (rows + segment[m] != currentSegment)
                {
                    sum[currentSegment] = segmentSum;
                    currentSegment = rows + segment[m];
                    segmentSum = sum[currentSegment];
                }

                rowSum += v;
                segmentSum += v;
            }

            sum[currentRow] = rowSum;
            sum[currentSegment] = segmentSum;
        }

        private static unsafe void Scatter<T>(Tensor perSum, Tensor rowOf, Tensor segmentOf, long rows, Tensor gradient)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var (source, row, segment, target) = ((nint)TensorMemory.Address<T>(perSum), (nint)TensorMemory.Address<long>(rowOf), (nint)TensorMemory.Address<long>(segmentOf), (nint)TensorMemory.Address<T>(gradient));
            ParallelChunks.For(rowOf.numel(), ChunkMembers, (begin, end) => ScatterChunk<T>((T*)source, (long*)row, (long*)segment, rows, (T*)target, begin, end));
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private static unsafe void ScatterChunk<T>(T* perSum, long* row, long* segment, long rows, T* gradient, long begin, long end)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            for (var m = begin; m < end; m++)
            {
                gradient[m] = perSum[row[m]] + perSum[rows + segment[m]];
            }
        }
    }
}
