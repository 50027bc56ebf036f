namespace SegLoss.Generator.Model;

/// <summary>Activations as the generator sees them; <see cref="Declared"/> means "the declaration's own".</summary>
internal enum Activation
{
    Softmax = 0,
    Sigmoid = 1,
    None = 2,
    Declared = 3,
}

/// <summary>The built-in quantities of the language.</summary>
internal enum Quantity
{
    /// <summary><c>p</c>: probability of each class (per pixel, per class).</summary>
    Probability,

    /// <summary><c>y</c>: target of each class (per pixel, per class).</summary>
    Target,

    /// <summary><c>logp</c>: log-probability (per pixel, per class).</summary>
    LogProbability,

    /// <summary><c>log(1 - p)</c>, computed stably (internal; the planner rewrites <c>log(1 - p)</c> to it).</summary>
    LogComplement,

    /// <summary><c>pt</c>: probability of the true class (per pixel).</summary>
    TrueProbability,

    /// <summary><c>logpt</c>: log-probability of the true class (per pixel).</summary>
    TrueLogProbability,

    /// <summary><c>log(1 - pt)</c> (internal).</summary>
    TrueLogComplement,

    /// <summary><c>w</c>: class weight (per class).</summary>
    ClassWeight,

    /// <summary>The class weight of the true class (internal).</summary>
    ClassWeightAtTrueClass,

    /// <summary><c>C</c>: the number of channels.</summary>
    ClassCount,

    /// <summary><c>z</c>: the raw input (logit) of each class, before any activation (per pixel, per class).</summary>
    Logit,

    /// <summary>The raw input at the true class (internal).</summary>
    TrueLogit,

    /// <summary><c>sdist</c>: the signed distance map of the target class (Kervadec's one_hot2dist), no gradient.</summary>
    SignedDistance,

    /// <summary><c>dist</c>: the distance field edt(m) + edt(~m) of the target class (Hausdorff losses), no gradient.</summary>
    Distance,

    /// <summary><c>pdist</c>: the same field of the thresholded prediction p &gt; 0.5, no gradient.</summary>
    PredictionDistance,

    /// <summary><c>penalty</c>: SegLossOdyssey's distance penalty map (compute_edts_forPenalizedLoss), no gradient.</summary>
    Penalty,
}

internal static class QuantityFacts
{
    public static string Name(Quantity kind) => kind switch
    {
        Quantity.Probability => "p",
        Quantity.Target => "y",
        Quantity.LogProbability => "logp",
        Quantity.LogComplement => "log1mp",
        Quantity.TrueProbability => "pt",
        Quantity.TrueLogProbability => "logpt",
        Quantity.TrueLogComplement => "log1mpt",
        Quantity.ClassWeight => "w",
        Quantity.ClassWeightAtTrueClass => "wt",
        Quantity.Logit => "z",
        Quantity.TrueLogit => "zt",
        Quantity.SignedDistance => "sdist",
        Quantity.Distance => "dist",
        Quantity.PredictionDistance => "pdist",
        Quantity.Penalty => "penalty",
        _ => "C",
    };

    /// <summary>Varies from pixel to pixel (so it may only appear inside a pixel aggregation).</summary>
    public static bool IsPixel(Quantity kind) => kind is not (Quantity.ClassWeight or Quantity.ClassCount);

    /// <summary>Has one value per class (rather than one per pixel or one in all).</summary>
    public static bool IsPerClass(Quantity kind) =>
        kind is Quantity.Probability or Quantity.Target or Quantity.LogProbability or Quantity.LogComplement or Quantity.ClassWeight or Quantity.Logit
            or Quantity.SignedDistance or Quantity.Distance or Quantity.PredictionDistance or Quantity.Penalty;

    /// <summary>A distance map computed from the target (or the thresholded prediction) by the runtime.</summary>
    public static bool IsDistanceMap(Quantity kind) =>
        kind is Quantity.SignedDistance or Quantity.Distance or Quantity.PredictionDistance or Quantity.Penalty;

    public static bool DependsOnActivation(Quantity kind) =>
        kind is Quantity.Probability or Quantity.LogProbability or Quantity.LogComplement
            or Quantity.TrueProbability or Quantity.TrueLogProbability or Quantity.TrueLogComplement;
}

internal enum BinaryOperator
{
    Add,
    Subtract,
    Multiply,
    Divide,
    Power,
    Greater,
    Less,
    GreaterOrEqual,
    LessOrEqual,
}

internal static class BinaryOperatorFacts
{
    public static string Symbol(BinaryOperator op) => op switch
    {
        BinaryOperator.Add => "+",
        BinaryOperator.Subtract => "-",
        BinaryOperator.Multiply => "*",
        BinaryOperator.Divide => "/",
        BinaryOperator.Power => "^",
        BinaryOperator.Greater => ">",
        BinaryOperator.Less => "<",
        BinaryOperator.GreaterOrEqual => ">=",
        _ => "<=",
    };

    public static bool IsComparison(BinaryOperator op) =>
        op is BinaryOperator.Greater or BinaryOperator.Less or BinaryOperator.GreaterOrEqual or BinaryOperator.LessOrEqual;
}

internal enum Function
{
    Log,
    Exp,
    Sqrt,
    Abs,
    Cosh,
    Min,
    Max,
    Clamp,
    Float32,

    /// <summary><c>skel(e, iterations)</c>: the soft skeleton (clDice) of a per-class pixel map, a spatial operator.</summary>
    Skeleton,

    /// <summary><c>herode(e, K, alpha)</c>: Σk k^α · (e eroded k times), the Hausdorff erosion map, a spatial operator.</summary>
    HausdorffErosion,

    /// <summary><c>lmean(e, window)</c>: the mean of e over a centred box of window pixels per axis (clipped to the image), a spatial operator.</summary>
    LocalMean,

    /// <summary><c>lstd(e, window)</c>: the standard deviation of e over the same box, a spatial operator.</summary>
    LocalDeviation,

    /// <summary><c>abovemax(e, beta)</c>: 1 where e exceeds beta times its largest value in the sample, else 0 (no gradient).</summary>
    AboveMaximum,

    /// <summary>
    /// <c>contour(e)</c>: 1 at the pixels of the mask e &gt; 0.5 that have a face neighbour outside it (its inner boundary
    /// layer), else 0 (no gradient), a spatial operator.
    /// </summary>
    Contour,

    // Derivatives, made by the closed-form backward only (no name in the language); each follows torch's backward rule.

    /// <summary>The sign of x (abs' derivative).</summary>
    Sign,

    /// <summary>sinh(x) (cosh' derivative).</summary>
    Sinh,

    /// <summary>d(x^e)/dx = e·x^(e-1), and 0 for e = 0.</summary>
    PowDerivative,

    /// <summary>d max(x, other)/dx: 1 where x wins, 0 where it loses, 1/2 at a tie of two tensors.</summary>
    MaxDerivative,

    /// <summary>d min(x, other)/dx, the same way.</summary>
    MinDerivative,

    /// <summary>d log(1 - exp(x))/dx = -exp(x)/(1 - exp(x)), on both branches of the forward's switch.</summary>
    LogOneMinusExpDerivative,

    /// <summary>exp(min(x, 0)): a softmax weight that is at most 1 (exact where x &lt;= 0, never overflowing).</summary>
    ExpNonPositive,
}

internal static class SpatialFunctions
{
    /// <summary>Functions that read other pixels, so they need the full per-class map of their first argument.</summary>
    public static bool IsSpatial(Function function) =>
        function is Function.Skeleton or Function.HausdorffErosion or Function.LocalMean or Function.LocalDeviation or Function.AboveMaximum
            or Function.Contour;
}


internal static class FunctionFacts
{
    public static string Name(Function function) => function switch
    {
        Function.Log => "log",
        Function.Exp => "exp",
        Function.Sqrt => "sqrt",
        Function.Abs => "abs",
        Function.Cosh => "cosh",
        Function.Min => "min",
        Function.Max => "max",
        Function.Clamp => "clamp",
        Function.Float32 => "float32",
        Function.Skeleton => "skel",
        Function.HausdorffErosion => "herode",
        Function.LocalMean => "lmean",
        Function.LocalDeviation => "lstd",
        Function.AboveMaximum => "abovemax",
        Function.Contour => "contour",
        Function.Sign => "sign",
        Function.Sinh => "sinh",
        Function.PowDerivative => "dpow",
        Function.MaxDerivative => "dmax",
        Function.MinDerivative => "dmin",
        Function.LogOneMinusExpDerivative => "dlog1mexp",
        _ => "expneg",
    };

    public static int Arity(Function function) => function switch
    {
        Function.Min or Function.Max or Function.Skeleton or Function.LocalMean or Function.LocalDeviation or Function.AboveMaximum or Function.PowDerivative or Function.MaxDerivative or Function.MinDerivative => 2,
        Function.Clamp or Function.HausdorffErosion => 3,
        _ => 1,
    };
}

internal enum Aggregation
{
    SumPixels,
    MeanPixels,
    SumClasses,
    MeanClasses,
    MaxClasses,
    MinClasses,
    TopK,

    /// <summary><c>lovasz(e)</c>: the Lovász extension of the Jaccard loss of per-class errors e (per class, per pool).</summary>
    Lovasz,

    /// <summary><c>meanb</c>: the mean over the samples (or pooled batch) of a per-sample statistic expression.</summary>
    MeanBatch,

    /// <summary>
    /// <c>mean32(e)</c>: the mean of a per-class pixel map over samples, the term's classes and pixels, accumulated in
    /// float32 in memory order, as a float32 tensor's mean() (reproduces references that compute so; gradient of the mean).
    /// </summary>
    SinglePrecisionMean,

    /// <summary>Planner-only: a pixel-level sum over all C channels (never restricted to the class set).</summary>
    SumAllClasses,
}

internal static class AggregationFacts
{
    public static string Name(Aggregation aggregation) => aggregation switch
    {
        Aggregation.SumPixels => "sumx",
        Aggregation.MeanPixels => "meanx",
        Aggregation.SumClasses => "sumc",
        Aggregation.MeanClasses => "meanc",
        Aggregation.MaxClasses => "maxc",
        Aggregation.MinClasses => "minc",
        Aggregation.TopK => "topk",
        Aggregation.Lovasz => "lovasz",
        Aggregation.MeanBatch => "meanb",
        Aggregation.SinglePrecisionMean => "mean32",
        _ => "sumc_all",
    };

    public static bool IsOverPixels(Aggregation aggregation) =>
        aggregation is Aggregation.SumPixels or Aggregation.MeanPixels or Aggregation.TopK or Aggregation.Lovasz;

    /// <summary>Aggregations over the classes of a term (statistic level: its class set).</summary>
    public static bool IsOverClasses(Aggregation aggregation) =>
        aggregation is Aggregation.SumClasses or Aggregation.MeanClasses or Aggregation.MaxClasses or Aggregation.MinClasses;
}
