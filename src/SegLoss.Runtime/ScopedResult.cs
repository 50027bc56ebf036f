using System;
using static TorchSharp.torch;

namespace SegLoss.Runtime;

/// <summary>
/// Evaluates a tensor expression in its own dispose scope and keeps only its result, so the full-size intermediates of
/// one statement of generated code are freed when it ends instead of living until the end of the loss's scope.
/// </summary>
public static class ScopedResult
{
    /// <summary>The result of <paramref name="compute"/>; every tensor it created on the way is disposed.</summary>
    public static Tensor Of(Func<Tensor> compute)
    {
        ArgumentNullException.ThrowIfNull(compute);
        using var scope = NewDisposeScope();
        var result = compute();

        // A result made before the scope (a batch tensor returned as it is) stays where it was.
        return scope.Contains(result) ? result.MoveToOuterDisposeScope() : result;
    }
}
