namespace SegLoss.Conformance.Fixtures;

/// <summary>
/// A kernel fixture (a golden file without a loss: <c>edt/</c> distance transforms, <c>cc/</c> connected components)
/// checked directly against a runtime kernel.
/// </summary>
public interface IFixtureCheck
{
    /// <summary>Whether the file is this check's kind of fixture.</summary>
    bool Handles(GoldenFile file);

    /// <summary>PASS, or FAIL with what differed (the runner fills in the file name).</summary>
    FileOutcome Check(string name, GoldenFile file);
}
