using System.Collections.Generic;
using static TorchSharp.torch;

namespace SegLoss.Runtime;

/// <summary>Collects term values while a generated loss evaluates (used by its <c>breakdown</c> method).</summary>
public sealed class LossBreakdownBuilder
{
    private readonly List<TermBreakdown> _terms = new();
    private double _total = double.NaN;

    /// <summary>Records a term with one value per sample (or per pooled batch), <c>[P]</c>.</summary>
    public void Add(string name, double weight, Tensor values) =>
        _terms.Add(new TermBreakdown(name, weight, Mean(values), null));

    /// <summary>Records a per-class term with its per-class values <c>[P, C]</c> over <paramref name="classes"/>.</summary>
    public void Add(string name, double weight, Tensor values, Tensor perClass, Tensor classes)
    {
        var means = perClass.detach().index_select(1, classes).mean(new long[] { 0 }).to_type(ScalarType.Float64).data<double>().ToArray();
        var ids = classes.to_type(ScalarType.Int64).data<long>().ToArray();
        var map = new SortedDictionary<int, double>();
        for (var i = 0; i < ids.Length; i++)
        {
            map[(int)ids[i]] = means[i];
        }

        _terms.Add(new TermBreakdown(name, weight, Mean(values), map));
    }

    /// <summary>Records the loss itself.</summary>
    public void SetTotal(Tensor loss) => _total = Mean(loss);

    /// <summary>The breakdown; <paramref name="loss"/> is the returned loss (used if no total was recorded).</summary>
    public LossBreakdown Build(Tensor loss) => new(double.IsNaN(_total) ? Mean(loss) : _total, _terms.ToArray());

    private static double Mean(Tensor values) => values.detach().to_type(ScalarType.Float64).mean().item<double>();
}
