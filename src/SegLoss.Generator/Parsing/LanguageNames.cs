using System.Collections.Generic;
using SegLoss.Generator.Model;

namespace SegLoss.Generator.Parsing;

/// <summary>The reserved words of the expression language and what they mean.</summary>
internal static class LanguageNames
{
    public static readonly IReadOnlyDictionary<string, Quantity> Quantities = new Dictionary<string, Quantity>
    {
        ["p"] = Quantity.Probability,
        ["y"] = Quantity.Target,
        ["logp"] = Quantity.LogProbability,
        ["pt"] = Quantity.TrueProbability,
        ["logpt"] = Quantity.TrueLogProbability,
        ["w"] = Quantity.ClassWeight,
        ["C"] = Quantity.ClassCount,
        ["z"] = Quantity.Logit,
        ["sdist"] = Quantity.SignedDistance,
        ["dist"] = Quantity.Distance,
        ["pdist"] = Quantity.PredictionDistance,
        ["penalty"] = Quantity.Penalty,
    };

    /// <summary>Shorthand statistics and the pixel sums they stand for.</summary>
    public static readonly IReadOnlyDictionary<string, string> Shorthands = new Dictionary<string, string>
    {
        ["TP"] = "sumx(p*y)",
        ["FP"] = "sumx(p*(1 - y))",
        ["FN"] = "sumx((1 - p)*y)",
        ["TN"] = "sumx((1 - p)*(1 - y))",
        ["P"] = "sumx(p)",
        ["G"] = "sumx(y)",
        ["V"] = "sumx(1)",
        ["P2"] = "sumx(p^2)",
        ["G2"] = "sumx(y^2)",
    };

    public static readonly IReadOnlyDictionary<string, Function> Functions = new Dictionary<string, Function>
    {
        ["log"] = Function.Log,
        ["exp"] = Function.Exp,
        ["sqrt"] = Function.Sqrt,
        ["abs"] = Function.Abs,
        ["cosh"] = Function.Cosh,
        ["min"] = Function.Min,
        ["max"] = Function.Max,
        ["clamp"] = Function.Clamp,
        ["float32"] = Function.Float32,
        ["skel"] = Function.Skeleton,
        ["herode"] = Function.HausdorffErosion,
        ["lmean"] = Function.LocalMean,
        ["lstd"] = Function.LocalDeviation,
        ["abovemax"] = Function.AboveMaximum,
        ["contour"] = Function.Contour,
    };

    public static readonly IReadOnlyDictionary<string, Aggregation> Aggregations = new Dictionary<string, Aggregation>
    {
        ["sumx"] = Aggregation.SumPixels,
        ["meanx"] = Aggregation.MeanPixels,
        ["sumc"] = Aggregation.SumClasses,
        ["meanc"] = Aggregation.MeanClasses,
        ["maxc"] = Aggregation.MaxClasses,
        ["minc"] = Aggregation.MinClasses,
        ["meanb"] = Aggregation.MeanBatch,
        ["mean32"] = Aggregation.SinglePrecisionMean,
        ["topk"] = Aggregation.TopK,
        ["lovasz"] = Aggregation.Lovasz,
    };

    public static bool IsReserved(string name) =>
        Quantities.ContainsKey(name) || Shorthands.ContainsKey(name) || Functions.ContainsKey(name) ||
        Aggregations.ContainsKey(name) || name == "pow";
}
