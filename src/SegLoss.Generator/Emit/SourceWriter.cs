using System;
using System.Text;

namespace SegLoss.Generator.Emit;

/// <summary>A small indenting text writer for generated sources (4 spaces, LF line ends).</summary>
internal sealed class SourceWriter
{
    private readonly StringBuilder _builder = new();
    private int _indent;

    /// <summary>Writes a line; a blank line right after an opening brace is left out.</summary>
    public void Line(string text = "")
    {
        if (text.Length == 0 && EndsWithOpeningBrace())
        {
            return;
        }

        if (text.Length > 0)
        {
            _builder.Append(' ', _indent * 4);
            _builder.Append(text);
        }

        _builder.Append('\n');
    }

    /// <summary>Writes <c>{</c>, runs <paramref name="body"/> one level deeper, writes <c>}</c> plus <paramref name="suffix"/>.</summary>
    public void Block(Action body, string suffix = "")
    {
        Line("{");
        _indent++;
        body();
        _indent--;
        Line("}" + suffix);
    }

    /// <summary>Where the next line will start (for <see cref="InsertLine"/>).</summary>
    public int Position => _builder.Length;

    /// <summary>Inserts a line at <paramref name="position"/> (a line start), at the current indentation.</summary>
    public void InsertLine(int position, string text) =>
        _builder.Insert(position, new string(' ', _indent * 4) + text + "\n");

    /// <summary>Writes <paramref name="other"/>'s lines (written from indentation 0) at the current indentation.</summary>
    public void Append(SourceWriter other)
    {
        var text = other.ToString();
        if (text.Length == 0)
        {
            return;
        }

        foreach (var line in text.TrimEnd('\n').Split('\n'))
        {
            Line(line);
        }
    }

    public void Indent() => _indent++;

    public void Outdent() => _indent--;

    public override string ToString() => _builder.ToString();

    private bool EndsWithOpeningBrace() =>
        _builder.Length >= 2 && _builder[_builder.Length - 1] == '\n' && _builder[_builder.Length - 2] == '{';
}
