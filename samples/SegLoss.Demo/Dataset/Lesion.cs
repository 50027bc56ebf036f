namespace SegLoss.Demo.Dataset;

/// <summary>One synthetic lesion: a filled, rotated ellipse of the given contrast above the background.</summary>
/// <param name="CenterX">Centre, in pixels from the left edge.</param>
/// <param name="CenterY">Centre, in pixels from the top edge.</param>
/// <param name="SemiAxisA">First semi-axis, in pixels.</param>
/// <param name="SemiAxisB">Second semi-axis, in pixels.</param>
/// <param name="Angle">Rotation of the first axis, in radians.</param>
/// <param name="Contrast">Intensity added inside the lesion (the background is around 0, noise σ is <see cref="SyntheticLesions.NoiseSigma"/>).</param>
public sealed record Lesion(double CenterX, double CenterY, double SemiAxisA, double SemiAxisB, double Angle, double Contrast)
{
    /// <summary>The larger semi-axis: the radius of a circle that holds the lesion.</summary>
    public double Radius => System.Math.Max(SemiAxisA, SemiAxisB);

    /// <summary>Whether the point (x, y) lies inside the ellipse.</summary>
    public bool Contains(double x, double y)
    {
        var (dx, dy) = (x - CenterX, y - CenterY);
        var (cos, sin) = (System.Math.Cos(Angle), System.Math.Sin(Angle));
        var u = (dx * cos + dy * sin) / SemiAxisA;
        var v = (-dx * sin + dy * cos) / SemiAxisB;
        return u * u + v * v <= 1.0;
    }
}
