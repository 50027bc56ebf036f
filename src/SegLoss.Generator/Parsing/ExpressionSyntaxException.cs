using System;

namespace SegLoss.Generator.Parsing;

/// <summary>A syntax error at an offset of the expression string; the reader turns it into SEGL003.</summary>
internal sealed class ExpressionSyntaxException : Exception
{
    public ExpressionSyntaxException(string message, int position, int length = 1)
        : base(message)
    {
        Position = position;
        Length = length;
    }

    public int Position { get; }

    public int Length { get; }
}
