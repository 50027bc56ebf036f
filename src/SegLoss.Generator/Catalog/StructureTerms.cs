using System;
using System.Collections.Generic;
using static SegLoss.Generator.Catalog.Parameters;

namespace SegLoss.Generator.Catalog;

/// <summary>Terms over sorted errors (Lovász) and soft skeletons (clDice): primitives of the language, not sums.</summary>
internal static class StructureTerms
{
    public static readonly IReadOnlyList<CatalogEntry> Entries = new[]
    {
        new CatalogEntry(
            "SegLoss.LovaszSoftmaxAttribute",
            "lovasz_softmax",
            Array.Empty<CatalogParameter>(),
            new[] { "Classes" },
            static choice => CatalogFormula.Of(choice.Option("Classes") == 0
                ? "sumc(w * lovasz(abs(y - p)) * (G > 0)) / max(sumc(G > 0), 1)"
                : "meanc(w * lovasz(abs(y - p)))"),
            BatchStatisticsDefault: true,
            "Lovász-Softmax (Berman et al.). Present classes over the batch is smp LovaszLoss(multiclass) (per_image is BatchStatistics = false); " +
            "All classes is SegLossOdyssey LovaszSoftmax. Both references compute the Jaccard increments in float32."),

        new CatalogEntry(
            "SegLoss.LovaszHingeAttribute",
            "lovasz_hinge",
            Array.Empty<CatalogParameter>(),
            Array.Empty<string>(),
            static _ => CatalogFormula.Of("meanc(w * lovasz(max(1 - z*(2*y - 1), 0)))"),
            BatchStatisticsDefault: true,
            "Lovász hinge (Berman et al.) on the raw logits z, per channel: smp LovaszLoss(binary) (per_image is BatchStatistics = false)."),

        new CatalogEntry(
            "SegLoss.ClDiceAttribute",
            "cldice",
            new[]
            {
                NonNegative("Iterations", "iterations", 3, "Soft skeleton iterations (about the largest structure radius)."),
                Smooth(1.0),
            },
            Array.Empty<string>(),
            static _ => CatalogFormula.Of(
                "1 - 2*((sumc(sumx(skel(p, iterations)*y)) + smooth)/(sumc(sumx(skel(p, iterations))) + smooth))*((sumc(sumx(skel(y, iterations)*p)) + smooth)/(sumc(sumx(skel(y, iterations))) + smooth))" +
                "/((sumc(sumx(skel(p, iterations)*y)) + smooth)/(sumc(sumx(skel(p, iterations))) + smooth) + (sumc(sumx(skel(y, iterations)*p)) + smooth)/(sumc(sumx(skel(y, iterations))) + smooth))"),
            BatchStatisticsDefault: true,
            "Soft clDice (Shit et al.) as MONAI SoftclDiceLoss: one value over the term's classes and the whole batch (MONAI drops channel 0: " +
            "declare IncludeBackground = false). SoftDiceclDiceLoss is this plus a Dice term."),
    };
}
