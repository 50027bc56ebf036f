namespace SegLoss.Tests.Infrastructure;

/// <summary>Flat pixel indices and grid coordinates (row-major, the last axis fastest), for brute-force references.</summary>
public static class PixelGrid
{
    /// <summary>The coordinates of flat pixel <paramref name="x"/> in a grid of shape <paramref name="spatial"/>.</summary>
    public static int[] Coordinates(int x, int[] spatial)
    {
        var coordinates = new int[spatial.Length];
        for (int d = spatial.Length - 1, rest = x; d >= 0; d--)
        {
            coordinates[d] = rest % spatial[d];
            rest /= spatial[d];
        }

        return coordinates;
    }

    /// <summary>The flat index of <paramref name="coordinates"/> in a grid of shape <paramref name="spatial"/>.</summary>
    public static int Index(int[] coordinates, int[] spatial)
    {
        var index = 0;
        for (var d = 0; d < spatial.Length; d++)
        {
            index = (index * spatial[d]) + coordinates[d];
        }

        return index;
    }
}
