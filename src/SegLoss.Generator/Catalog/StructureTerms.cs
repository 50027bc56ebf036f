using System;
using System.Collections.Generic;
using static SegLoss.Generator.Catalog.Parameters;

namespace SegLoss.Generator.Catalog;

/// <summary>Terms over sorted errors (Lovász), soft skeletons (clDice) and local statistics (structural similarity): primitives of the language, not sums.</summary>
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

        new CatalogEntry(
            "SegLoss.StructuralSimilarityAttribute",
            "structural_similarity",
            new[]
            {
                Fraction("Beta", "beta", 0.1, "Selection threshold: pixels with e > beta times the sample's largest e count."),
                new CatalogParameter("C4", "c4", 0.01, Model.ParameterRange.Positive, "Stability constant C4 of the e coefficient."),
                new CatalogParameter("Window", "window", 3, Model.ParameterRange.OddWindow, "Width in pixels, along every axis, of the window of the local mean and deviation."),
            },
            Array.Empty<string>(),
            static choice => CatalogFormula.Of(
                $"sumc(sumx(w * abovemax({StructureCoefficient}, beta) * {StructureCoefficient} * " +
                (choice.Activation == Model.Activation.Sigmoid ? "-(y*logp + (1 - y)*log(1 - p))" : "-(y*logp)") +
                $")) / max(sumc(sumx(abovemax({StructureCoefficient}, beta))), 1)"),
            BatchStatisticsDefault: true,
            "Correlation-maximized structural similarity loss (Zhao et al., 2019; no library implements it), from its equations as Jadon's survey quotes them (the paper's text was not available to us). " +
            "e = |(y - mu_y + C4)/(sigma_y + C4) - (p - mu_p + C4)/(sigma_p + C4)| per pixel and class, with C4 in numerator and " +
            "denominator as the paper's equation is quoted (Jadon's survey); mu and sigma are the local mean and population standard " +
            "deviation over a centred Window-wide box (uniform weights; the paper does not fix the window), clipped to the image and " +
            "to valid pixels. A pixel and class count where e > beta * e_max, e_max the largest e of its sample over all channels " +
            "(the paper does not say over which set; per sample keeps a sample's selection independent of the batch). The loss is " +
            "sum of w * e * f * CE over the selected pairs divided by their number M (the paper's mini-batch definition: over the " +
            "whole batch by default, per sample with BatchStatistics = false), CE = -y log p per class (binary CE per channel " +
            "with a sigmoid); 0 when nothing is selected. The gradient flows through e and CE (the paper stops none); the selection " +
            "is a constant. Stack it with [CrossEntropy] for the paper's total loss."),
    };

    /// <summary>The e coefficient of the structural similarity loss (Zhao et al.).</summary>
    private const string StructureCoefficient =
        "abs((y - lmean(y, window) + c4)/(lstd(y, window) + c4) - (p - lmean(p, window) + c4)/(lstd(p, window) + c4))";
}
