using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using static TorchSharp.torch;

namespace SegLoss.Runtime;

/// <summary>Raw access to the memory of contiguous CPU tensors, for kernels that loop over it.</summary>
internal static unsafe class TensorMemory
{
    /// <summary>
    /// The address of the first element of a contiguous, non-empty CPU tensor. TorchSharp 0.107 has no <c>data_ptr()</c>,
    /// and <c>Tensor.bytes</c> is a span (at most 2³¹ − 1 bytes), so the address is taken from a one-element view;
    /// the memory stays valid as long as <paramref name="tensor"/> lives.
    /// </summary>
    public static T* Address<T>(Tensor tensor)
        where T : unmanaged
    {
        if (!tensor.is_contiguous() || tensor.device_type != TorchSharp.DeviceType.CPU || tensor.NumberOfElements == 0)
        {
            throw new InvalidOperationException("raw access needs a contiguous, non-empty CPU tensor.");
        }

        using var first = tensor.view(-1).narrow(0, 0, 1);
        return (T*)Unsafe.AsPointer(ref MemoryMarshal.GetReference(first.bytes));
    }
}
