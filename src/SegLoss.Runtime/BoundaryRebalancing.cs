using System;

namespace SegLoss.Runtime;

/// <summary>
/// Kervadec et al.'s rebalancing of a region loss (e.g. generalized Dice) against the boundary loss over training:
/// after every epoch the boundary weight grows by <see cref="Step"/> and the region weight shrinks by the same amount,
/// never below <see cref="RegionFloor"/>. The defaults are those of the authors' repository (LIVIAMTL/boundary-loss,
/// <c>StealWeight(to_steal=0.01)</c> with initial weights 1 and 0.01, region floor 0.1); the paper's
/// <c>α·L_R + (1 − α)·L_B</c> form is <c>new BoundaryRebalancing(1, 0, 0.01, 0.01)</c>.
/// </summary>
/// <example>
/// <code>
/// var schedule = new BoundaryRebalancing();
/// for (var epoch = 0; epoch &lt; epochs; epoch++)
/// {
///     (loss.dice_weight, loss.boundary_weight) = schedule.WeightsAt(epoch);
///     // ... train one epoch ...
/// }
/// </code>
/// </example>
/// <param name="RegionStart">The region term's weight in the first epoch.</param>
/// <param name="BoundaryStart">The boundary term's weight in the first epoch.</param>
/// <param name="Step">The weight moved from the region term to the boundary term after each epoch.</param>
/// <param name="RegionFloor">The region term's smallest weight (the boundary weight keeps growing).</param>
public sealed record BoundaryRebalancing(double RegionStart = 1.0, double BoundaryStart = 0.01, double Step = 0.01, double RegionFloor = 0.1)
{
    /// <summary>The weights used during <paramref name="epoch"/> (0 = the first), after that many updates.</summary>
    public (double Region, double Boundary) WeightsAt(int epoch)
    {
        if (epoch < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(epoch), epoch, "epoch must be 0 or more (0 is the first epoch).");
        }

        LossArguments.NonNegative(RegionStart, nameof(RegionStart));
        LossArguments.NonNegative(BoundaryStart, nameof(BoundaryStart));
        LossArguments.NonNegative(Step, nameof(Step));
        LossArguments.NonNegative(RegionFloor, nameof(RegionFloor));

        // Updated one epoch at a time, as the reference does, so that the weights round the same way.
        var (region, boundary) = (RegionStart, BoundaryStart);
        for (var i = 0; i < epoch; i++)
        {
            (region, boundary) = (Math.Max(RegionFloor, region - Step), boundary + Step);
        }

        return (region, boundary);
    }
}
