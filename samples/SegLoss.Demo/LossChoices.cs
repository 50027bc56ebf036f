using System;
using System.Collections.Generic;
using System.Linq;
using TorchSharp;
using static TorchSharp.torch;

namespace SegLoss.Demo;

/// <summary>A loss the demo can train with: its command-line name, what it is, and how to make it.</summary>
/// <param name="Name">The name used by <c>--losses</c>, in tables and in file names.</param>
/// <param name="Declaration">The attributes that declare it (in <c>Losses.cs</c>), as printed at the start.</param>
/// <param name="Create">Makes a new instance of the generated loss module.</param>
public sealed record LossChoice(string Name, string Declaration, Func<Loss<Tensor, Tensor, Tensor>> Create);

/// <summary>The losses declared in <c>Losses.cs</c>, by name.</summary>
public static class LossChoices
{
    /// <summary>Every loss, in the default order.</summary>
    public static IReadOnlyList<LossChoice> All { get; } = new LossChoice[]
    {
        new("soft-dice", "[SegLoss(Activation.Sigmoid)] [Dice]", () => new SoftDice()),
        new("dice-focal", "[SegLoss(Activation.Sigmoid)] [Dice] [Focal(Gamma = 2)]", () => new DiceFocal()),
        new("blob-dice", "[SegLoss(Activation.Sigmoid)] [Dice] [Blob]", () => new BlobDice()),
    };

    /// <summary>The names of <see cref="All"/>.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(c => c.Name).ToArray();

    /// <summary>The loss called <paramref name="name"/>.</summary>
    public static LossChoice Get(string name) => All.Single(c => c.Name == name);
}
