namespace SegLoss.Conformance.Mappings;

/// <summary>
/// blob_loss (Kofler et al.): alpha·criterion(whole) + beta·mean over instances of criterion(masked), the criterion
/// MONAI's DiceLoss. The entry that applies the sigmoid before masking masks probabilities; the README convention
/// (the criterion applies it) masks logits. Instances come from the file's instance map.
/// </summary>
public sealed class BlobMapping : ILossMapping
{
    public bool Handles(GoldenFile file) => file.Anchor.StartsWith("blob_loss", System.StringComparison.Ordinal);

    public MappingResult Map(GoldenFile file)
    {
        if (file.Loss != "blob_dice")
        {
            return new Unsupported($"blob_loss criterion '{file.Loss}' is not mapped");
        }

        var entry = file.Object("criterion_entry");
        var sigmoidBeforeMasking = entry is { } e && e.TryGetProperty("sigmoid", out var s) && s.ValueKind == System.Text.Json.JsonValueKind.True;
        return new Declaration(
            Declare.SegLoss(MappingHelpers.Activation(file)),
            Declare.Attribute("Dice"),
            Declare.Attribute(
                "Blob",
                ("MainWeight", file.Double("alpha", 2.0)),
                ("BlobWeight", file.Double("beta", 1.0)),
                ("Masking", new Declare.Raw(sigmoidBeforeMasking ? "BlobMasking.Probabilities" : "BlobMasking.Logits"))));
    }
}
