using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using SegLoss.Generator.Helpers;

namespace SegLoss.Generator.Parsing;

/// <summary>Typed reads of one attribute application: its named and constructor arguments and their locations.</summary>
internal sealed class AttributeArguments
{
    private readonly AttributeData _data;
    private readonly AttributeSyntax? _syntax;

    public AttributeArguments(AttributeData data, System.Threading.CancellationToken token)
    {
        _data = data;
        _syntax = data.ApplicationSyntaxReference?.GetSyntax(token) as AttributeSyntax;
    }

    /// <summary>The whole attribute, for diagnostics that concern it as a whole.</summary>
    public Location? Location => _syntax?.GetLocation();

    public bool IsSet(string property) => _data.NamedArguments.Any(a => a.Key == property);

    public TypedConstant? Named(string property)
    {
        foreach (var argument in _data.NamedArguments)
        {
            if (argument.Key == property)
            {
                return argument.Value;
            }
        }

        return null;
    }

    public double? Double(string property) => Named(property) is { Value: { } value } ? System.Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture) : null;

    public bool? Bool(string property) => Named(property) is { Value: bool value } ? value : null;

    public int? Int(string property) => Named(property) is { Value: int value } ? value : null;

    public string? String(string property) => Named(property) is { Value: string value } ? value : null;

    public EquatableArray<double>? DoubleArray(string property)
    {
        if (Named(property) is not { } constant)
        {
            return null;
        }

        if (constant.IsNull)
        {
            return null;
        }

        return constant.Values.Select(v => System.Convert.ToDouble(v.Value, System.Globalization.CultureInfo.InvariantCulture)).ToEquatableArray();
    }

    public TypedConstant? Constructor(int index) =>
        index < _data.ConstructorArguments.Length ? _data.ConstructorArguments[index] : null;

    /// <summary>The location of a named argument (<c>Gamma = -1</c>), falling back to the attribute.</summary>
    public Location? NamedLocation(string property)
    {
        var argument = _syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == property);
        return argument?.GetLocation() ?? Location;
    }

    /// <summary>The syntax of a positional constructor argument.</summary>
    public AttributeArgumentSyntax? ConstructorSyntax(int index)
    {
        if (_syntax?.ArgumentList is not { } list)
        {
            return null;
        }

        var positional = list.Arguments.Where(a => a.NameEquals is null).ToList();
        return index < positional.Count ? positional[index] : null;
    }

    /// <summary>
    /// The location of characters [start, start + length) of a string constructor argument's value, when the literal
    /// maps one-to-one onto its value (no escapes); otherwise the whole literal.
    /// </summary>
    public Location? StringSpanLocation(int index, int start, int length)
    {
        var argument = ConstructorSyntax(index);
        if (argument?.Expression is LiteralExpressionSyntax literal && literal.Token.Value is string value)
        {
            var text = literal.Token.Text;
            var prefix = text.StartsWith("@\"", System.StringComparison.Ordinal) ? 2 : text.StartsWith("\"\"\"", System.StringComparison.Ordinal) ? -1 : 1;
            if (prefix > 0 && text.Length == value.Length + prefix + 1 && text.Substring(prefix, value.Length) == value)
            {
                var span = new Microsoft.CodeAnalysis.Text.TextSpan(literal.SpanStart + prefix + start, System.Math.Max(1, System.Math.Min(length, value.Length - start)));
                if (start >= value.Length)
                {
                    span = new Microsoft.CodeAnalysis.Text.TextSpan(literal.Span.End - 1, 1);
                }

                return Microsoft.CodeAnalysis.Location.Create(literal.SyntaxTree, span);
            }
        }

        return argument?.GetLocation() ?? Location;
    }

    public IEnumerable<KeyValuePair<string, TypedConstant>> NamedArguments => _data.NamedArguments;
}
