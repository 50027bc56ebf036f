namespace SegLoss.Conformance.Mappings;

/// <summary>
/// Turns golden files of one reference library into declarations, reading each file's <c>loss</c> and <c>params</c>
/// generically: the same parameters always give the same declaration, whatever the shapes or data.
/// </summary>
public interface ILossMapping
{
    /// <summary>Whether the file's anchor is this mapping's library.</summary>
    bool Handles(GoldenFile file);

    MappingResult Map(GoldenFile file);
}
