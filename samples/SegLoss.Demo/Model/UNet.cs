using TorchSharp.Modules;
using static TorchSharp.torch;
using static TorchSharp.torch.nn;

namespace SegLoss.Demo.Model;

/// <summary>
/// A small 2D U-Net (Ronneberger et al.): three levels (full, half and quarter resolution) of <see cref="ConvBlock"/>s,
/// max-pooling down, transposed convolutions up, skip connections by concatenation, and a 1×1 convolution to the output
/// logits. With the demo's width 8 it has about 30 k parameters: small enough to train on a CPU in about a second per epoch.
/// </summary>
public sealed class UNet : Module<Tensor, Tensor>
{
    private readonly ConvBlock _encoder1;
    private readonly ConvBlock _encoder2;
    private readonly ConvBlock _bottleneck;
    private readonly ConvTranspose2d _up2;
    private readonly ConvBlock _decoder2;
    private readonly ConvTranspose2d _up1;
    private readonly ConvBlock _decoder1;
    private readonly Conv2d _head;

    /// <summary>Creates the network.</summary>
    /// <param name="inChannels">Image channels.</param>
    /// <param name="outChannels">Output channels (logits).</param>
    /// <param name="width">Channels at full resolution; doubled at each level down.</param>
    public UNet(long inChannels = 1, long outChannels = 1, long width = 16)
        : base(nameof(UNet))
    {
        _encoder1 = new ConvBlock(inChannels, width);
        _encoder2 = new ConvBlock(width, 2 * width);
        _bottleneck = new ConvBlock(2 * width, 4 * width);
        _up2 = ConvTranspose2d(4 * width, 2 * width, kernel_size: 2, stride: 2);
        _decoder2 = new ConvBlock(4 * width, 2 * width);
        _up1 = ConvTranspose2d(2 * width, width, kernel_size: 2, stride: 2);
        _decoder1 = new ConvBlock(2 * width, width);
        _head = Conv2d(width, outChannels, kernel_size: 1);
        RegisterComponents();
    }

    /// <summary>Logits <c>[N, out, H, W]</c> for images <c>[N, in, H, W]</c> (H and W multiples of 4).</summary>
    public override Tensor forward(Tensor input)
    {
        var e1 = _encoder1.call(input);
        var e2 = _encoder2.call(functional.max_pool2d(e1, 2));
        var bottom = _bottleneck.call(functional.max_pool2d(e2, 2));
        var d2 = _decoder2.call(cat(new[] { _up2.call(bottom), e2 }, 1));
        var d1 = _decoder1.call(cat(new[] { _up1.call(d2), e1 }, 1));
        return _head.call(d1);
    }
}
