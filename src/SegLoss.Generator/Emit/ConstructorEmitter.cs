using System.Collections.Generic;
using System.Linq;
using SegLoss.Generator.Model;
using SegLoss.Generator.Planning;

namespace SegLoss.Generator.Emit;

/// <summary>
/// Fields, constructor and properties. Every attribute value is a constructor argument whose default is that value;
/// class-weight arrays default to <c>null</c>, meaning "the attribute's array" (C# allows no array defaults).
/// Term weights (and blob loss's main and blob weights) are also settable properties, so that a schedule can change
/// them between steps; every other option is fixed at construction.
/// </summary>
internal sealed class ConstructorEmitter
{
    private readonly LossPlan _plan;
    private readonly List<(string Type, string Name, string Default, string Check, string Doc)> _arguments = new();
    private readonly HashSet<string> _settable = new();

    public ConstructorEmitter(LossPlan plan)
    {
        _plan = plan;
        foreach (var term in plan.Terms)
        {
            _settable.Add(term.WeightParameter);
        }

        foreach (var parameter in plan.Parameters)
        {
            _arguments.Add(("double", parameter.Name, Literals.Double(parameter.DefaultValue), Check(parameter), parameter.Description));
        }

        foreach (var term in plan.Terms)
        {
            if (term.IncludeBackground is { } include)
            {
                _arguments.Add(("bool", term.Name + "_include_background", Literals.Bool(include), "", $"Overrides include_background for the term '{term.Name}'."));
            }

            if (term.BatchStatistics is { } batch)
            {
                _arguments.Add(("bool", term.Name + "_batch_statistics", Literals.Bool(batch), "", $"Whether the term '{term.Name}' sums its statistics over the whole batch."));
            }

            if (term.ClassWeights is not null)
            {
                _arguments.Add(("double[]?", term.Name + "_class_weights", "null", "weights", $"The class weights of the term '{term.Name}'; null: the declared ones."));
            }
        }

        var options = plan.Options;
        if (options.Blob is { } blob)
        {
            _arguments.Add(("double", "main_weight", Literals.Double(blob.MainWeight), "NonNegative", "Blob loss: weight of the loss on the whole target."));
            _arguments.Add(("double", "blob_weight", Literals.Double(blob.BlobWeight), "NonNegative", "Blob loss: weight of the mean loss over instances."));
            _settable.Add("main_weight");
            _settable.Add("blob_weight");
        }

        _arguments.Add(("bool", "include_background", Literals.Bool(options.IncludeBackground), "", "Whether channel 0 takes part in per-class terms."));
        _arguments.Add(("bool", "batch_statistics", Literals.Bool(options.BatchStatistics), "", "Sum region statistics over the whole batch instead of per sample."));
        _arguments.Add(("int?", "ignore_index", options.IgnoreIndex is { } ignore ? ignore.ToString(System.Globalization.CultureInfo.InvariantCulture) : "null", "", "A class-index target value to ignore, or null."));
        _arguments.Add(("double[]?", "class_weights", "null", "weights", "One weight per channel (w); null: the declared ones, else all ones."));
        if (new QuantityUsage(plan).DistanceMaps.Count > 0)
        {
            _arguments.Add(("double[]?", "spacing", "null", "spacing", "Voxel spacing per spatial axis for distance maps; null: the declared one, else 1."));
        }
        _arguments.Add((KnownSymbols.Reduction, "reduction", KnownSymbols.Reduction + "." + ReductionName(options.Reduction), "", "Mean, Sum (N * Mean) or None (per sample [N])."));
    }

    public void WriteFields(SourceWriter writer)
    {
        foreach (var (type, name, _, _, _) in _arguments)
        {
            writer.Line(_settable.Contains(name) ? $"private {type} _{name};" : $"private readonly {type} _{name};");
        }

        foreach (var (name, weights) in DeclaredWeights())
        {
            writer.Line($"private static readonly double[]? {DefaultWeightsField(name)} = {Literals.DoubleArray(weights)};");
        }

        if (_arguments.Any(a => a.Name == "spacing"))
        {
            writer.Line($"private static readonly double[]? DeclaredSpacing = {Literals.DoubleArray(_plan.Options.Spacing)};");
        }
    }

    public void WriteConstructor(SourceWriter writer)
    {
        writer.Line("/// <summary>Creates the loss; every argument defaults to the declared value.</summary>");
        foreach (var (_, name, _, _, doc) in _arguments)
        {
            writer.Line($"/// <param name=\"{name}\">{LossEmitter.Xml(doc)}</param>");
        }

        writer.Line($"public {_plan.Type.Name}(");
        writer.Indent();
        for (var i = 0; i < _arguments.Count; i++)
        {
            var (type, name, value, _, _) = _arguments[i];
            writer.Line($"{type} {name} = {value}{(i + 1 < _arguments.Count ? "," : ")")}");
        }

        writer.Line($": base({KnownSymbols.Arguments}.ToTorch(reduction))");
        writer.Outdent();
        writer.Block(() =>
        {
            foreach (var (_, name, _, check, _) in _arguments)
            {
                var value = check switch
                {
                    "" => name,
                    "weights" => $"{KnownSymbols.Arguments}.ClassWeights({name} ?? {DefaultWeightsField(name)}, nameof({name}))",
                    "spacing" => $"{KnownSymbols.Arguments}.Spacing({name} ?? DeclaredSpacing, nameof({name}))",
                    _ => $"{KnownSymbols.Arguments}.{check}({name}, nameof({name}))",
                };
                writer.Line($"_{name} = {value};");
            }
        });
    }

    public void WriteProperties(SourceWriter writer)
    {
        foreach (var (type, name, _, check, doc) in _arguments)
        {
            if (name == "reduction" || check is "weights" or "spacing")
            {
                continue;
            }

            if (_settable.Contains(name))
            {
                writer.Line($"/// <summary>{LossEmitter.Xml(doc)} Settable between steps (e.g. by a weight schedule).</summary>");
                writer.Line($"public {type} {name}");
                writer.Block(() =>
                {
                    writer.Line($"get => _{name};");
                    writer.Line($"set => _{name} = {KnownSymbols.Arguments}.{check}(value, nameof({name}));");
                });
            }
            else
            {
                writer.Line($"/// <summary>{LossEmitter.Xml(doc)}</summary>");
                writer.Line($"public {type} {name} => _{name};");
            }

            writer.Line();
        }
    }

    private IEnumerable<(string Name, Helpers.EquatableArray<double>? Weights)> DeclaredWeights()
    {
        foreach (var term in _plan.Terms.Where(t => t.ClassWeights is not null))
        {
            yield return (term.Name + "_class_weights", term.ClassWeights);
        }

        yield return ("class_weights", _plan.Options.ClassWeights);
    }

    private static string DefaultWeightsField(string argument) => "Declared" + Literals.Pascal(argument);

    private static string Check(ParameterModel parameter) => parameter.Range switch
    {
        ParameterRange.NonNegative => "NonNegative",
        ParameterRange.UnitInterval => "UnitInterval",
        ParameterRange.Percent => "Percent",
        ParameterRange.Positive => "Positive",
        ParameterRange.OddWindow => "OddWindow",
        _ => "Finite",
    };

    private static string ReductionName(int reduction) => reduction switch
    {
        1 => "Sum",
        2 => "None",
        _ => "Mean",
    };
}
