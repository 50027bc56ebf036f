using System.Linq;
using TorchSharp;

namespace SegLoss.Runtime;

/// <summary>Small helpers for messages and dtype questions.</summary>
internal static class TensorShapes
{
    public static string Format(long[] shape) => "[" + string.Join(", ", shape) + "]";

    public static string Format(torch.Tensor tensor) => Format(tensor.shape);

    public static bool IsFloating(torch.ScalarType type) =>
        type is torch.ScalarType.Float16 or torch.ScalarType.BFloat16 or torch.ScalarType.Float32 or torch.ScalarType.Float64;

    public static bool IsInteger(torch.ScalarType type) =>
        type is torch.ScalarType.Int64 or torch.ScalarType.Int32 or torch.ScalarType.Int16 or torch.ScalarType.Int8 or torch.ScalarType.Byte;

    /// <summary>Statistics are accumulated in at least float32.</summary>
    public static torch.ScalarType ComputeType(torch.ScalarType input) =>
        input == torch.ScalarType.Float64 ? torch.ScalarType.Float64 : torch.ScalarType.Float32;

    public static long Product(long[] values) => values.Aggregate(1L, (a, b) => a * b);
}
