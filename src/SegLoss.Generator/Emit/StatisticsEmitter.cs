using System.Linq;
using SegLoss.Generator.Planning;

namespace SegLoss.Generator.Emit;

/// <summary>Writes the nested <c>Statistics</c> record: the declaration's distinct statistics and their batch pooling.</summary>
internal static class StatisticsEmitter
{
    public static void WriteRecord(SourceWriter w, LossPlan plan)
    {
        w.Line("/// <summary>");
        w.Line("/// The statistics every term reads, computed once per call: per sample <c>[N, C]</c> (per class) or <c>[N, 1]</c>,");
        w.Line("/// or summed over the batch (<c>[1, ...]</c>) when pooled.");
        w.Line("/// </summary>");
        foreach (var statistic in plan.Statistics)
        {
            w.Line($"/// <param name=\"{statistic.Name}\">{LossEmitter.Xml(statistic.Description)}</param>");
        }

        w.Line("/// <param name=\"IsPooled\">Whether the sums run over the whole batch.</param>");
        var parameters = string.Join(", ", plan.Statistics.Select(s => $"{KnownSymbols.Tensor} {s.Name}"));
        w.Line($"private sealed record Statistics({parameters}, bool IsPooled = false)");
        w.Block(() =>
        {
            w.Line("/// <summary>The same statistics summed over the batch; the per-pixel values of topk stay as they are.</summary>");
            var pooled = string.Join(", ", plan.Statistics.Select(s => s.Kind == StatisticKind.Sum ? $"{s.Name}.sum(0, keepdim: true)" : s.Name));
            w.Line($"public Statistics Pooled() => new({pooled}, IsPooled: true);");
            if (plan.Backward is { } backward)
            {
                w.Line();
                w.Line("/// <summary>The statistics that depend on the prediction: the outputs of the statistics node, in order.</summary>");
                w.Line($"public {KnownSymbols.Tensor}[] Differentiable() => new[] {{ {string.Join(", ", backward.Statistics)} }};");
                w.Line();
                w.Line("/// <summary>The same statistics with those outputs, attached to the autograd graph.</summary>");
                var with = string.Join(", ", backward.Statistics.Select((name, i) => $"{name} = outputs[{i.ToString(System.Globalization.CultureInfo.InvariantCulture)}]"));
                w.Line($"public Statistics WithDifferentiable({KnownSymbols.Tensor}[] outputs) => this with {{ {with} }};");
            }
        });
    }
}
