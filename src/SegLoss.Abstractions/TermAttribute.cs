using System;

namespace SegLoss;

/// <summary>
/// A custom term: a scalar expression of statistics, where a statistic is a sum over pixels of a pixel expression.
/// <list type="bullet">
/// <item>Pixel quantities: <c>p y logp</c> (per class), <c>pt logpt</c> (at the true class), <c>w</c> (class weight).</item>
/// <item>Aggregations: <c>sumx meanx</c> (over the valid pixels of a sample, or of the batch), <c>sumc meanc</c>
/// (over classes), <c>topk(e, percent)</c>.</item>
/// <item>Shorthands: <c>TP FP FN TN P G V P2 G2</c>; the class count <c>C</c>.</item>
/// <item>Operators <c>+ - * / ^</c>, comparisons <c>&gt; &lt; &gt;= &lt;=</c> (0 or 1), functions
/// <c>log exp sqrt abs pow cosh min max clamp</c>, and <see cref="ParamAttribute"/> names.</item>
/// </list>
/// A term still holding pixel quantities at its top level is <c>meanx(sumc(...))</c> of them; a per-class term is
/// averaged over the classes, then over the batch. Example: <c>1 - (2*TP + s) / (2*TP + FP + FN + s)</c>.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class TermAttribute : LossTermAttribute
{
    /// <summary>Declares a term from its expression.</summary>
    public TermAttribute(string expression) => Expression = expression;

    /// <summary>The term's expression in the SegLoss expression language.</summary>
    public string Expression { get; }
}
