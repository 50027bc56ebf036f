using System;

namespace SegLoss;

/// <summary>
/// A named parameter of the declaration's <see cref="TermAttribute"/> expressions, with its default value. It becomes a
/// constructor argument of the generated class with the same name.
/// </summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ParamAttribute : Attribute
{
    /// <summary>Declares parameter <paramref name="name"/> with default <paramref name="value"/>.</summary>
    public ParamAttribute(string name, double value)
    {
        Name = name;
        Value = value;
    }

    /// <summary>The identifier used in expressions and as the constructor argument name.</summary>
    public string Name { get; }

    /// <summary>The default value.</summary>
    public double Value { get; }
}
