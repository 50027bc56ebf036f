using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SegLoss.Demo.Model;

/// <summary>Two 3×3 convolutions, each followed by batch normalization and a ReLU: one level of the U-Net.</summary>
public sealed class ConvBlock : Module<Tensor, Tensor>
{
    private readonly Sequential _layers;

    /// <summary>Creates the block from <paramref name="inChannels"/> to <paramref name="outChannels"/> channels.</summary>
    public ConvBlock(long inChannels, long outChannels)
        : base(nameof(ConvBlock))
    {
        _layers = Sequential(
            Conv2d(inChannels, outChannels, kernel_size: 3, padding: 1, bias: false),
            BatchNorm2d(outChannels),
            ReLU(inplace: true),
            Conv2d(outChannels, outChannels, kernel_size: 3, padding: 1, bias: false),
            BatchNorm2d(outChannels),
            ReLU(inplace: true));
        RegisterComponents();
    }

    /// <inheritdoc />
    public override Tensor forward(Tensor input) => _layers.call(input);
}
