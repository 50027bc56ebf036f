using static TorchSharp.torch;

namespace SegLoss.Runtime;

/// <summary>
/// A pixel expression's values at blob loss's instance pixels (<see cref="BlobLayout.Sum"/>): a tensor
/// <c>[1, C, M]</c> (or broadcastable), or one constant for every pixel.
/// </summary>
public readonly struct InstanceValues
{
    private InstanceValues(Tensor? tensor, double constant)
    {
        Tensor = tensor;
        Constant = constant;
    }

    /// <summary>The values, or null for a constant.</summary>
    public Tensor? Tensor { get; }

    /// <summary>The constant when <see cref="Tensor"/> is null.</summary>
    public double Constant { get; }

    /// <summary>Values at the instances' pixels.</summary>
    public static implicit operator InstanceValues(Tensor values) => new(values, 0);

    /// <summary>One value at every pixel.</summary>
    public static implicit operator InstanceValues(double constant) => new(null, constant);
}
