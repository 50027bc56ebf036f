namespace SegLoss.Generator;

/// <summary>Names of the pipeline steps, so tests can check what the incremental pipeline cached.</summary>
internal static class TrackingNames
{
    public const string Read = nameof(Read);
    public const string Model = nameof(Model);
    public const string Plan = nameof(Plan);
}
