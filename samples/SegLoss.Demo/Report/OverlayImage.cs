using System;

namespace SegLoss.Demo.Report;

/// <summary>
/// Composes the RGB pixels of one overlay panel: the grey image enlarged by whole pixels, optionally a mask filled in a
/// translucent colour and a mask's outline (one screen pixel wide) in another.
/// </summary>
internal sealed class OverlayImage
{
    private const double Black = -0.5;
    private const double White = 1.3;

    private readonly int _size;
    private readonly int _scale;
    private readonly byte[,,] _rgb;

    /// <summary>Starts from the grey image <paramref name="pixels"/> (<paramref name="size"/>², row-major), each pixel drawn as <paramref name="scale"/>² screen pixels.</summary>
    public OverlayImage(ReadOnlySpan<float> pixels, int size, int scale)
    {
        _size = size;
        _scale = scale;
        _rgb = new byte[size * scale, size * scale, 3];
        for (var v = 0; v < size * scale; v++)
        {
            for (var u = 0; u < size * scale; u++)
            {
                var grey = (byte)Math.Clamp((pixels[((v / scale) * size) + (u / scale)] - Black) / (White - Black) * 255, 0, 255);
                _rgb[v, u, 0] = _rgb[v, u, 1] = _rgb[v, u, 2] = grey;
            }
        }
    }

    /// <summary>Tints the pixels of <paramref name="mask"/> with <paramref name="color"/> at <paramref name="opacity"/>.</summary>
    public OverlayImage Fill(ReadOnlySpan<byte> mask, (byte R, byte G, byte B) color, double opacity)
    {
        for (var v = 0; v < _size * _scale; v++)
        {
            for (var u = 0; u < _size * _scale; u++)
            {
                if (Inside(mask, u, v))
                {
                    Blend(u, v, color, opacity);
                }
            }
        }

        return this;
    }

    /// <summary>Draws the outline of <paramref name="mask"/> (its screen pixels that touch the outside) in <paramref name="color"/>.</summary>
    public OverlayImage Outline(ReadOnlySpan<byte> mask, (byte R, byte G, byte B) color)
    {
        for (var v = 0; v < _size * _scale; v++)
        {
            for (var u = 0; u < _size * _scale; u++)
            {
                if (Inside(mask, u, v) &&
                    (!Inside(mask, u - 1, v) || !Inside(mask, u + 1, v) || !Inside(mask, u, v - 1) || !Inside(mask, u, v + 1)))
                {
                    Blend(u, v, color, 1.0);
                }
            }
        }

        return this;
    }

    /// <summary>The pixels as ScottPlot's image.</summary>
    public ScottPlot.Image ToImage() => new(_rgb);

    private bool Inside(ReadOnlySpan<byte> mask, int u, int v)
    {
        var limit = _size * _scale;
        return u >= 0 && v >= 0 && u < limit && v < limit && mask[((v / _scale) * _size) + (u / _scale)] != 0;
    }

    private void Blend(int u, int v, (byte R, byte G, byte B) color, double opacity)
    {
        _rgb[v, u, 0] = (byte)((_rgb[v, u, 0] * (1 - opacity)) + (color.R * opacity));
        _rgb[v, u, 1] = (byte)((_rgb[v, u, 1] * (1 - opacity)) + (color.G * opacity));
        _rgb[v, u, 2] = (byte)((_rgb[v, u, 2] * (1 - opacity)) + (color.B * opacity));
    }
}
