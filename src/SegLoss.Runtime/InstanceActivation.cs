using System;
using System.Collections.Generic;
using System.Numerics;
using SegLoss.Runtime.Kernels.Statistics;
using static TorchSharp.torch;
using TP = System.Numerics.Tensors.TensorPrimitives;

namespace SegLoss.Runtime;

/// <summary>
/// The sigmoid of blob loss's logits at the instances' pixels (<c>[1, C, M]</c>) and its logarithms, with their
/// gradients, computed here on contiguous float32/float64 CPU tensors. The tensors are small, but above libtorch's
/// parallel grain their operators would leave OpenMP threads spinning on the cores the kernels run on next.
/// Elsewhere (other devices and types) they are libtorch's operators.
/// </summary>
public static class InstanceActivation
{
    private enum Kind
    {
        Sigmoid,
        LogSigmoid,
        LogComplement,
    }

    /// <summary>σ(x).</summary>
    public static Tensor Sigmoid(Tensor logits) =>
        Direct(logits) ? ActivationFunction.apply(logits.contiguous(), Kind.Sigmoid) : logits.sigmoid();

    /// <summary>log σ(x), stable at any magnitude.</summary>
    public static Tensor LogSigmoid(Tensor logits) =>
        Direct(logits) ? ActivationFunction.apply(logits.contiguous(), Kind.LogSigmoid) : nn.functional.logsigmoid(logits);

    /// <summary>log(1 - σ(x)) = log σ(-x), stable at any magnitude.</summary>
    public static Tensor LogComplement(Tensor logits) =>
        Direct(logits) ? ActivationFunction.apply(logits.contiguous(), Kind.LogComplement) : nn.functional.logsigmoid(-logits);

    private static bool Direct(Tensor logits) =>
        logits.device_type == TorchSharp.DeviceType.CPU && logits.dtype is ScalarType.Float32 or ScalarType.Float64 && logits.numel() > 0;

    private sealed class ActivationFunction : autograd.SingleTensorFunction<ActivationFunction>
    {
        public override string Name => "SegLoss.InstanceActivation";

        public override Tensor forward(autograd.AutogradContext ctx, params object[] vars)
        {
            var logits = (Tensor)vars[0];
            var kind = (Kind)vars[1];
            var values = empty_like(logits);
            if (logits.dtype == ScalarType.Float32)
            {
                Forward<float>(logits, values, kind);
            }
            else
            {
                Forward<double>(logits, values, kind);
            }

            ctx.save_for_backward(new List<Tensor> { logits });
            ctx.save_data("kind", kind);
            return values;
        }

        public override List<Tensor> backward(autograd.AutogradContext ctx, Tensor grad_output)
        {
            var logits = ctx.get_saved_variables()[0];
            var kind = (Kind)ctx.get_data("kind");
            using var outer = grad_output.to_type(logits.dtype).contiguous();
            var gradient = empty_like(logits);
            if (logits.dtype == ScalarType.Float32)
            {
                Backward<float>(logits, outer, gradient, kind);
            }
            else
            {
                Backward<double>(logits, outer, gradient, kind);
            }

            return new List<Tensor> { gradient, null! };
        }

        private static unsafe void Forward<T>(Tensor logits, Tensor values, Kind kind)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var length = (int)logits.numel();
            var x = new ReadOnlySpan<T>(TensorMemory.Address<T>(logits), length);
            var y = new Span<T>(TensorMemory.Address<T>(values), length);
            switch (kind)
            {
                case Kind.Sigmoid:
                    ChunkMath.Sigmoid(x, y);
                    break;
                case Kind.LogSigmoid:
                    ChunkMath.LogSigmoid(x, y);
                    break;
                default:
                    TP.Negate(x, y);
                    ChunkMath.LogSigmoid<T>(y, y);
                    break;
            }
        }

        /// <summary>
        /// dσ/dx = σ(1 - σ); d log σ/dx = 1 - σ = σ(-x); d log σ(-x)/dx = -σ; each times the outer gradient.
        /// </summary>
        private static unsafe void Backward<T>(Tensor logits, Tensor outer, Tensor gradient, Kind kind)
            where T : unmanaged, IFloatingPointIeee754<T>
        {
            var length = (int)logits.numel();
            var x = new ReadOnlySpan<T>(TensorMemory.Address<T>(logits), length);
            var g = new ReadOnlySpan<T>(TensorMemory.Address<T>(outer), length);
            var d = new Span<T>(TensorMemory.Address<T>(gradient), length);
            switch (kind)
            {
                case Kind.Sigmoid:
                    ChunkMath.Sigmoid(x, d);
                    ChunkMath.SigmoidSlope<T>(g, d, d);
                    break;
                case Kind.LogSigmoid:
                    TP.Negate(x, d);
                    ChunkMath.Sigmoid<T>(d, d);
                    TP.Multiply(g, d, d);
                    break;
                default:
                    ChunkMath.Sigmoid(x, d);
                    TP.Multiply(g, d, d);
                    TP.Negate(d, d);
                    break;
            }
        }
    }
}
