using SegLoss.Generator.Model;

namespace SegLoss.Generator.Catalog;

/// <summary>Parameters several built-in terms share.</summary>
internal static class Parameters
{
    public static CatalogParameter SmoothNumerator(double value = 1e-5) =>
        new("SmoothNumerator", "smooth_nr", value, ParameterRange.NonNegative, "Numerator smoothing of the ratio.");

    public static CatalogParameter SmoothDenominator(double value = 1e-5) =>
        new("SmoothDenominator", "smooth_dr", value, ParameterRange.NonNegative, "Denominator smoothing of the ratio; an empty class gives loss 0.");

    public static CatalogParameter Smooth(double value) =>
        new("Smooth", "smooth", value, ParameterRange.NonNegative, "Smoothing of numerator and denominator.");

    public static CatalogParameter NonNegative(string property, string name, double value, string description) =>
        new(property, name, value, ParameterRange.NonNegative, description);

    public static CatalogParameter Fraction(string property, string name, double value, string description) =>
        new(property, name, value, ParameterRange.UnitInterval, description);
}
