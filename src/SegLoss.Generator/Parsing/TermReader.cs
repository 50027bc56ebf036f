using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using SegLoss.Generator.Catalog;
using SegLoss.Generator.Diagnostics;
using SegLoss.Generator.Model;

namespace SegLoss.Generator.Parsing;

/// <summary>
/// Reads one term attribute: validates its values against the catalog's ranges, settles its constructor-argument
/// names, picks its formula and binds it. Built-in and custom terms take the same path.
/// </summary>
internal sealed class TermReader
{
    private readonly LossOptions _options;
    private readonly IReadOnlyDictionary<string, string> _declared;
    private readonly NameTable _names;
    private readonly List<DiagnosticInfo> _diagnostics;
    private readonly List<ParameterModel> _parameters = new();

    public TermReader(LossOptions options, IReadOnlyDictionary<string, string> declared, NameTable names, List<DiagnosticInfo> diagnostics)
    {
        _options = options;
        _declared = declared;
        _names = names;
        _diagnostics = diagnostics;
    }

    /// <summary>The scalar constructor arguments of the terms read so far, in order.</summary>
    public IReadOnlyList<ParameterModel> Parameters => _parameters;

    /// <summary>The <c>[Param]</c> names some term uses.</summary>
    public HashSet<string> UsedParameters { get; } = new();

    /// <summary>Local parameter names that more than one place declares, and so get the term's name as prefix.</summary>
    public HashSet<string> Ambiguous { get; } = new();

    public TermModel? Read(TermSource source)
    {
        var arguments = source.Arguments;
        var errorsBefore = _diagnostics.Count;

        var weight = arguments.Double("Weight") ?? 1.0;
        CheckRange("Weight", weight, ParameterRange.NonNegative, arguments);
        var weightName = source.Name + "_weight";
        _names.Reserve(weightName, $"the weight of term '{source.Name}'", arguments.Location);
        _parameters.Add(new ParameterModel(weightName, weight, ParameterRange.NonNegative, $"Weight of the term '{source.Name}' in the loss."));

        var classWeights = arguments.DoubleArray("ClassWeights");
        DeclarationReader.CheckClassWeights(classWeights, arguments, "ClassWeights", _diagnostics);
        var batchStatistics = arguments.Bool("BatchStatistics") ?? source.Entry?.BatchStatisticsDefault;

        var activation = ReadActivation(source, out var effective);
        var local = ReadCatalogParameters(source);
        var formula = ChooseFormula(source, effective, local);
        if (formula is null || _diagnostics.Count > errorsBefore)
        {
            return null;
        }

        var scopeParameters = new Dictionary<string, string>(local.ToDictionary(p => p.Key, p => p.Value));
        foreach (var pair in _declared)
        {
            if (!scopeParameters.ContainsKey(pair.Key))
            {
                scopeParameters[pair.Key] = pair.Value;
            }
        }

        var scope = new BindingScope(activation, classWeights is null ? "" : source.Name, scopeParameters);
        var expression = Bind(source, formula, scope);
        if (expression is null)
        {
            return null;
        }

        CollectUsedParameters(expression);
        return new TermModel(
            source.Name,
            formula,
            expression,
            weightName,
            arguments.Bool("IncludeBackground"),
            batchStatistics,
            classWeights);
    }

    private Activation ReadActivation(TermSource source, out Activation effective)
    {
        effective = _options.Activation;
        if (source.Arguments.Int("Activation") is not { } value || (Activation)value == _options.Activation)
        {
            return Activation.Declared;
        }

        effective = (Activation)value;
        if (_options.Activation == Activation.None)
        {
            _diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.IncompatibleActivation,
                source.Arguments.NamedLocation("Activation"),
                $"Term '{source.Name}' applies Activation.{effective} of its own, but the declaration's input is already probabilities (Activation.None), so there are no logits to apply it to"));
        }

        return effective;
    }

    private Dictionary<string, string> ReadCatalogParameters(TermSource source)
    {
        var local = new Dictionary<string, string>();
        if (source.Entry is not { } entry)
        {
            return local;
        }

        foreach (var parameter in entry.Parameters)
        {
            var value = source.Arguments.Double(parameter.Property);
            if (parameter.IsOptional && value is null)
            {
                continue;
            }

            var actual = value ?? parameter.DefaultValue;
            CheckRange(parameter.Property, actual, parameter.Range, source.Arguments);
            var name = Ambiguous.Contains(parameter.Name) || _declared.ContainsKey(parameter.Name)
                ? source.Name + "_" + parameter.Name
                : parameter.Name;
            _names.Reserve(name, $"a parameter of term '{source.Name}'", source.Arguments.NamedLocation(parameter.Property));
            _parameters.Add(new ParameterModel(name, actual, parameter.Range, parameter.Description));
            local[parameter.Name] = name;
        }

        return local;
    }

    private string? ChooseFormula(TermSource source, Activation effective, Dictionary<string, string> local)
    {
        if (source.Entry is not { } entry)
        {
            return source.Arguments.Constructor(0)?.Value as string ?? "";
        }

        var options = entry.Switches.ToDictionary(s => s, s => source.Arguments.Named(s) is { Value: { } value } ? System.Convert.ToInt32(value, CultureInfo.InvariantCulture) : 0);
        var chosen = entry.Formula(new CatalogChoice(effective, options, local.Keys.ToList()));
        if (chosen.Expression is null)
        {
            _diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.IncompatibleActivation, source.Arguments.Location, chosen.Error ?? ""));
        }

        return chosen.Expression;
    }

    private Expr? Bind(TermSource source, string formula, BindingScope scope)
    {
        ParsedExpr parsed;
        try
        {
            parsed = ExpressionParser.Parse(formula);
        }
        catch (ExpressionSyntaxException e)
        {
            _diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.SyntaxError,
                Locate(source, e.Position, e.Length),
                (e.Position + 1).ToString(CultureInfo.InvariantCulture),
                e.Message));
            return null;
        }

        var bound = Binder.BindTerm(parsed, scope, source.Name, out var errors);
        foreach (var error in errors)
        {
            _diagnostics.Add(DiagnosticInfo.Create(error.Descriptor, Locate(source, error.Start, error.Length), error.Arguments));
        }

        return bound;
    }

    private Microsoft.CodeAnalysis.Location? Locate(TermSource source, int start, int length) =>
        source.Entry is null ? source.Arguments.StringSpanLocation(0, start, length) : source.Arguments.Location;

    private void CheckRange(string property, double value, ParameterRange range, AttributeArguments arguments)
    {
        var (ok, expected) = range switch
        {
            ParameterRange.NonNegative => (value >= 0 && !double.IsInfinity(value), "a finite value >= 0"),
            ParameterRange.UnitInterval => (value >= 0 && value <= 1, "a value in [0, 1]"),
            ParameterRange.Percent => (value > 0 && value <= 100, "a percent in (0, 100]"),
            ParameterRange.Positive => (value > 0 && !double.IsInfinity(value), "a finite value > 0"),
            ParameterRange.OddWindow => (value >= 1 && value <= int.MaxValue && Math.Floor(value) == value && value % 2 == 1, "an odd whole number >= 1"),
            _ => (!double.IsNaN(value), "a number"),
        };
        if (!ok)
        {
            _diagnostics.Add(DiagnosticInfo.Create(
                DiagnosticDescriptors.ParameterOutOfRange,
                arguments.NamedLocation(property),
                property,
                value.ToString("R", CultureInfo.InvariantCulture),
                expected));
        }
    }

    private void CollectUsedParameters(Expr expression)
    {
        switch (expression)
        {
            case ParamExpr parameter:
                UsedParameters.Add(parameter.Name);
                break;
            case NegateExpr negate:
                CollectUsedParameters(negate.Operand);
                break;
            case BinaryExpr binary:
                CollectUsedParameters(binary.Left);
                CollectUsedParameters(binary.Right);
                break;
            case FunctionExpr function:
                foreach (var argument in function.Arguments)
                {
                    CollectUsedParameters(argument);
                }

                break;
            case AggregateExpr aggregate:
                CollectUsedParameters(aggregate.Operand);
                if (aggregate.Percent is not null)
                {
                    CollectUsedParameters(aggregate.Percent);
                }

                break;
        }
    }
}
