using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using SegLoss.Generator.Catalog;
using SegLoss.Generator.Model;
using SegLoss.Tests.Infrastructure;
using ModelActivation = SegLoss.Generator.Model.Activation;

namespace SegLoss.Tests.Generator;

/// <summary>
/// docs/catalog.md is rendered from the catalog itself, so it cannot drift: a change to an entry changes the page, and
/// this test fails until the page is regenerated (SEGLOSS_ACCEPT_SNAPSHOTS=1 writes it).
/// </summary>
public sealed class CatalogPageTests
{
    private static string Page => Path.GetFullPath(Path.Combine(TestPaths.TestsDirectory, "..", "..", "docs", "catalog.md"));

    [Fact]
    public void Catalog_page_matches_the_catalog()
    {
        var rendered = Render();
        var current = File.Exists(Page) ? File.ReadAllText(Page).Replace("\r\n", "\n") : "";
        if (current == rendered)
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("SEGLOSS_ACCEPT_SNAPSHOTS") == "1")
        {
            File.WriteAllText(Page, rendered);
            return;
        }

        File.WriteAllText(Path.ChangeExtension(Page, ".received.md"), rendered);
        Assert.Fail($"docs/catalog.md is out of date: compare with {Path.ChangeExtension(Page, ".received.md")} (SEGLOSS_ACCEPT_SNAPSHOTS=1 regenerates it).");
    }

    internal static string Render()
    {
        var text = new StringBuilder();
        text.Append("# The SegLoss term catalog\n\n");
        text.Append("Generated from the catalog in `src/SegLoss.Generator/Catalog` by `tests/SegLoss.Tests/Generator/CatalogPageTests.cs`; do not edit.\n\n");
        text.Append("Every built-in term is a formula of the expression language (see the README). `w` is the class weight, `C` the number\n");
        text.Append("of channels, `TP FP FN TN P G V P2 G2` the soft counts; per-class terms are averaged over the term's classes, then\n");
        text.Append("over the samples. Parameters are constructor arguments with the attribute's value as default.\n\n");
        text.Append("| attribute | term | batch statistics |\n|---|---|---|\n");
        foreach (var entry in TermCatalog.Entries)
        {
            text.Append($"| [`[{Short(entry)}]`](#{Short(entry).ToLowerInvariant()}) | `{entry.TermName}` | {(entry.BatchStatisticsDefault == true ? "whole batch by default" : "from [SegLoss]")} |\n");
        }

        foreach (var entry in TermCatalog.Entries)
        {
            text.Append($"\n## {Short(entry)}\n\n");
            text.Append($"`[{Short(entry)}]`, term name `{entry.TermName}`. {entry.Documentation}\n\n");
            if (entry.Parameters.Count > 0)
            {
                text.Append("| property | argument | default | range | meaning |\n|---|---|---|---|---|\n");
                foreach (var parameter in entry.Parameters)
                {
                    var value = parameter.IsOptional ? "unset" : parameter.DefaultValue.ToString("R", CultureInfo.InvariantCulture);
                    text.Append($"| `{parameter.Property}` | `{parameter.Name}` | {value} | {Range(parameter.Range)} | {parameter.Description} |\n");
                }

                text.Append('\n');
            }

            foreach (var (condition, formula) in Formulas(entry))
            {
                text.Append(condition.Length == 0 ? $"```\n{formula}\n```\n" : $"{condition}:\n```\n{formula}\n```\n");
            }
        }

        return text.ToString();
    }

    private static string Short(CatalogEntry entry) => entry.AttributeMetadataName["SegLoss.".Length..^"Attribute".Length];

    private static string Range(ParameterRange range) => range switch
    {
        ParameterRange.NonNegative => "≥ 0",
        ParameterRange.UnitInterval => "[0, 1]",
        ParameterRange.Percent => "(0, 100]",
        _ => "any",
    };

    /// <summary>Every distinct formula over activations, switch values and optional parameters, with when it applies.</summary>
    private static IEnumerable<(string Condition, string Formula)> Formulas(CatalogEntry entry)
    {
        var attribute = typeof(SegLossAttribute).Assembly.GetType(entry.AttributeMetadataName)!;
        var switches = entry.Switches.Select(name =>
        {
            var type = attribute.GetProperty(name)!.PropertyType;
            var values = type == typeof(bool) ? new[] { (0, "false"), (1, "true") } : Enum.GetValues(type).Cast<object>().Select(v => ((int)v, type.Name + "." + v)).ToArray();
            return (Name: name, Values: values);
        }).ToList();
        var optional = entry.Parameters.Where(p => p.IsOptional).Select(p => p.Name).ToList();

        string Text(ModelActivation activation, List<(string Name, int Value, string Label)> options, string[] present)
        {
            var formula = entry.Formula(new CatalogChoice(activation, options.ToDictionary(o => o.Name, o => o.Value), present));
            return formula.Expression ?? "rejected: " + formula.Error;
        }

        var combinations = Combinations(switches).ToList();
        var presences = optional.Count == 0 ? new[] { Array.Empty<string>() } : new[] { Array.Empty<string>(), optional.ToArray() };
        var activationMatters = combinations.Any(o => presences.Any(p => Text(ModelActivation.Softmax, o, p) != Text(ModelActivation.Sigmoid, o, p)));
        var seen = new Dictionary<string, List<string>>();
        foreach (var activation in activationMatters ? new[] { ModelActivation.Softmax, ModelActivation.Sigmoid } : new[] { ModelActivation.Softmax })
        {
            foreach (var options in combinations)
            {
                foreach (var present in presences)
                {
                    var text = Text(activation, options, present);
                    var parts = (activationMatters ? new[] { "Activation." + activation } : Array.Empty<string>())
                        .Concat(options.Select(o => $"{o.Name} = {o.Label}"))
                        .Concat(optional.Count == 0 ? Array.Empty<string>() : new[] { present.Length == 0 ? string.Join(", ", optional) + " unset" : string.Join(", ", optional) + " set" });
                    if (!seen.TryGetValue(text, out var conditions))
                    {
                        seen[text] = conditions = new List<string>();
                    }

                    conditions.Add(string.Join(", ", parts));
                }
            }
        }

        return seen.Count == 1
            ? new[] { ("", seen.Keys.Single()) }
            : seen.Select(pair => (string.Join("; ", pair.Value.Distinct()), pair.Key));
    }

    private static IEnumerable<List<(string Name, int Value, string Label)>> Combinations(List<(string Name, (int, string)[] Values)> switches)
    {
        IEnumerable<List<(string Name, int Value, string Label)>> result = new[] { new List<(string, int, string)>() };
        foreach (var (name, values) in switches)
        {
            result = result.SelectMany(prefix => values.Select(v => prefix.Append((name, v.Item1, v.Item2)).ToList()));
        }

        return result;
    }
}
