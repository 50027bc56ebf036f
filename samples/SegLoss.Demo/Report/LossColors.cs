using ScottPlot;

namespace SegLoss.Demo.Report;

/// <summary>One colour per loss, the same in every figure (by the loss's position in the run).</summary>
internal static class LossColors
{
    private static readonly IPalette Palette = new ScottPlot.Palettes.Category10();

    /// <summary>The colour of the loss at <paramref name="index"/>.</summary>
    public static Color Of(int index) => Palette.GetColor(index);
}
