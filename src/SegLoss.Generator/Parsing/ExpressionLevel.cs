namespace SegLoss.Generator.Parsing;

/// <summary>Where a value lives: the planner sums pixels into statistics and evaluates the rest on statistics.</summary>
internal enum Level
{
    /// <summary>Numbers, parameters, <c>C</c>.</summary>
    Constant = 0,

    /// <summary>One value per class and nothing else (<c>w</c>).</summary>
    Class = 1,

    /// <summary>Varies per pixel: may appear only inside a pixel aggregation (or as a whole pixel term).</summary>
    Pixel = 2,

    /// <summary>A statistic: a pixel aggregation, or an expression of them.</summary>
    Statistic = 3,

    /// <summary>A value of the whole batch: <c>meanb(...)</c> of a statistic, or an expression of them.</summary>
    Batch = 4,
}

/// <summary>The level of a bound expression and whether it has one value per class.</summary>
internal readonly record struct LevelInfo(Level Level, bool PerClass);
