using System;
using System.Runtime.InteropServices;
using TorchSharp;
using static TorchSharp.torch;

namespace SegLoss.Runtime.Distance;

/// <summary>Moving masks and distances between tensors and the raw-memory kernels.</summary>
internal static class TensorMasks
{
    /// <summary>
    /// The mask as a contiguous CPU tensor of one byte per element, nonzero where <paramref name="mask"/> is nonzero
    /// (NaN counts as nonzero, as in numpy). Bool and uint8 masks already on the CPU are used as they are.
    /// </summary>
    public static Tensor ToByteMask(Tensor mask)
    {
        if (mask.device_type == DeviceType.CPU && mask.dtype is ScalarType.Bool or ScalarType.Byte)
        {
            return mask.contiguous();
        }

        return mask.ne(0).cpu().contiguous();
    }

    /// <summary>The bytes of a contiguous one-byte-per-element CPU tensor.</summary>
    public static ReadOnlySpan<byte> Bytes(Tensor byteMask) => byteMask.NumberOfElements == 0 ? default : byteMask.bytes;

    /// <summary>The output dtype must be float32 or float64.</summary>
    public static void CheckDistanceType(ScalarType dtype, string name)
    {
        if (dtype is not (ScalarType.Float32 or ScalarType.Float64))
        {
            throw new ArgumentException($"{name} must be float32 or float64; got {dtype}.", name);
        }
    }

    /// <summary>The elements of a CPU float64 tensor (empty otherwise).</summary>
    public static Span<double> Doubles(Tensor tensor) =>
        tensor.dtype == ScalarType.Float64 && tensor.NumberOfElements > 0 ? MemoryMarshal.Cast<byte, double>(tensor.bytes) : default;

    /// <summary>The elements of a CPU float32 tensor (empty otherwise).</summary>
    public static Span<float> Singles(Tensor tensor) =>
        tensor.dtype == ScalarType.Float32 && tensor.NumberOfElements > 0 ? MemoryMarshal.Cast<byte, float>(tensor.bytes) : default;

    /// <summary>Moves a CPU result to the device of the mask it was computed from.</summary>
    public static Tensor ToDeviceOf(Tensor result, Tensor mask) =>
        mask.device_type == DeviceType.CPU ? result : result.to(mask.device);
}
