using System.Collections.Generic;

namespace SegLoss.Generator.Parsing;

/// <summary>The parser's output: an unbound syntax tree whose spans are offsets into the expression string.</summary>
internal abstract record ParsedExpr(int Start, int Length);

internal sealed record ParsedNumber(double Value, int Start, int Length) : ParsedExpr(Start, Length);

internal sealed record ParsedIdentifier(string Name, int Start, int Length) : ParsedExpr(Start, Length);

internal sealed record ParsedUnary(char Operator, ParsedExpr Operand, int Start, int Length) : ParsedExpr(Start, Length);

internal sealed record ParsedBinary(string Operator, ParsedExpr Left, ParsedExpr Right, int Start, int Length)
    : ParsedExpr(Start, Length);

internal sealed record ParsedCall(string Name, IReadOnlyList<ParsedExpr> Arguments, int NameLength, int Start, int Length)
    : ParsedExpr(Start, Length);
