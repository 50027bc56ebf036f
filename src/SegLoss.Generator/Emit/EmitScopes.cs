using SegLoss.Generator.Model;

namespace SegLoss.Generator.Emit;

/// <summary>Local names of the generated <c>Evaluate</c> method.</summary>
internal static class LocalNames
{
    /// <summary>"" for the declaration's activation, else the override's name (<c>pSigmoid</c>).</summary>
    public static string ActivationSuffix(Activation activation) => activation switch
    {
        Activation.Declared => "",
        Activation.Softmax => "Softmax",
        Activation.Sigmoid => "Sigmoid",
        _ => "Raw",
    };

    public static string Full(Quantity kind, Activation activation) => kind switch
    {
        Quantity.Probability or Quantity.TrueProbability => "p",
        Quantity.LogProbability or Quantity.TrueLogProbability => "logp",
        _ => "log1mp",
    } + ActivationSuffix(activation);

    public static string AtTrueClass(Quantity kind, Activation activation) => kind switch
    {
        Quantity.Probability or Quantity.TrueProbability => "pt",
        Quantity.LogProbability or Quantity.TrueLogProbability => "logpt",
        _ => "log1mpt",
    } + ActivationSuffix(activation);

    /// <summary>The class weights <c>[C]</c>: <c>w</c>, or <c>wFocal</c> for a term's own.</summary>
    public static string Weights(string source) => "w" + Literals.Pascal(source);

    public static string WeightsPixel(string source) => Weights(source) + "Pixel";

    public static string WeightsAtTrueClass(string source) => "wt" + Literals.Pascal(source);

    public static string Term(string name) => "term" + Literals.Pascal(name);

    /// <summary>The gradient of the loss with respect to a statistic, in the closed-form backward: <c>gTP</c>.</summary>
    public static string Gradient(string statistic) => "g" + statistic;
}

/// <summary>Pixel expressions: full tensors <c>[N, C, X]</c>, true-class tensors <c>[N, 1, X]</c>, <c>y</c> when dense.</summary>
internal sealed class PixelScope : IEmitScope
{
    public static readonly PixelScope Instance = new();

    public string ClassSet => "classes";

    public string Quantity(QuantityExpr quantity) => quantity.Kind switch
    {
        Model.Quantity.Probability or Model.Quantity.LogProbability or Model.Quantity.LogComplement =>
            LocalNames.Full(quantity.Kind, quantity.Activation),
        Model.Quantity.TrueProbability or Model.Quantity.TrueLogProbability or Model.Quantity.TrueLogComplement =>
            LocalNames.AtTrueClass(quantity.Kind, quantity.Activation),
        Model.Quantity.ClassWeight => LocalNames.WeightsPixel(quantity.WeightSource),
        Model.Quantity.ClassWeightAtTrueClass => LocalNames.WeightsAtTrueClass(quantity.WeightSource),
        Model.Quantity.Target => "y",
        Model.Quantity.Logit => "batch.Input",
        Model.Quantity.TrueLogit => "zt",
        _ when QuantityFacts.IsDistanceMap(quantity.Kind) => QuantityFacts.Name(quantity.Kind),
        _ => "C",
    };

    public string Statistic(StatisticExpr statistic) => throw new System.InvalidOperationException("no statistic at pixel level");
}

/// <summary>Term expressions over the (possibly pooled) statistics <c>s</c>, or over blob loss's per-instance ones.</summary>
internal sealed class StatisticScope : IEmitScope
{
    public static readonly StatisticScope Instance = new("s", "classes");

    /// <summary>Per-instance statistics of blob loss: one row per instance, evaluated at every class.</summary>
    public static readonly StatisticScope Blob = new("blobStatistics", "blobClasses");

    /// <summary>The whole target's statistics, as blob loss's per-instance statistics start from them.</summary>
    public static readonly StatisticScope Whole = new("statistics", "classes");

    private readonly string _statistics;

    private StatisticScope(string statistics, string classSet)
    {
        _statistics = statistics;
        ClassSet = classSet;
    }

    public string ClassSet { get; }

    public string Quantity(QuantityExpr quantity) => quantity.Kind switch
    {
        Model.Quantity.ClassWeight => LocalNames.Weights(quantity.WeightSource),
        Model.Quantity.ClassCount => "C",
        _ => throw new System.InvalidOperationException("pixel quantity in a term expression: " + quantity),
    };

    public string Statistic(StatisticExpr statistic) => _statistics + "." + statistic.Name;
}
