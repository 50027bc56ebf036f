using System.Collections.Generic;
using System.Globalization;

namespace SegLoss.Generator.Parsing;

/// <summary>
/// Recursive-descent parser of the expression language. Precedence, lowest first: comparisons; <c>+ -</c>;
/// <c>* /</c>; unary minus; <c>^</c> (right-associative, binding tighter than unary minus, so <c>-x^2</c> is
/// <c>-(x^2)</c>); calls, names, numbers and parentheses.
/// </summary>
internal sealed class ExpressionParser
{
    private readonly List<Token> _tokens;
    private int _position;

    private ExpressionParser(List<Token> tokens) => _tokens = tokens;

    /// <summary>Parses <paramref name="text"/>, or throws <see cref="ExpressionSyntaxException"/> with the offset.</summary>
    public static ParsedExpr Parse(string text)
    {
        var parser = new ExpressionParser(ExpressionLexer.Tokenize(text));
        if (parser.Current.Kind == TokenKind.End)
        {
            throw new ExpressionSyntaxException("the expression is empty", 0, 1);
        }

        var expression = parser.ParseComparison();
        if (parser.Current.Kind != TokenKind.End)
        {
            throw new ExpressionSyntaxException($"unexpected '{parser.Current.Text}'", parser.Current.Start, parser.Current.Length);
        }

        return expression;
    }

    private Token Current => _tokens[_position];

    private ParsedExpr ParseComparison()
    {
        var left = ParseAdditive();
        while (Current.Kind == TokenKind.Operator && Current.Text is ">" or "<" or ">=" or "<=")
        {
            var op = _tokens[_position++].Text;
            var right = ParseAdditive();
            left = Binary(op, left, right);
        }

        return left;
    }

    private ParsedExpr ParseAdditive()
    {
        var left = ParseMultiplicative();
        while (Current.Kind == TokenKind.Operator && Current.Text is "+" or "-")
        {
            var op = _tokens[_position++].Text;
            left = Binary(op, left, ParseMultiplicative());
        }

        return left;
    }

    private ParsedExpr ParseMultiplicative()
    {
        var left = ParseUnary();
        while (Current.Kind == TokenKind.Operator && Current.Text is "*" or "/")
        {
            var op = _tokens[_position++].Text;
            left = Binary(op, left, ParseUnary());
        }

        return left;
    }

    private ParsedExpr ParseUnary()
    {
        if (Current.Kind == TokenKind.Operator && Current.Text is "-" or "+")
        {
            var token = _tokens[_position++];
            var operand = ParseUnary();
            return token.Text == "+"
                ? operand
                : new ParsedUnary('-', operand, token.Start, operand.Start + operand.Length - token.Start);
        }

        return ParsePower();
    }

    private ParsedExpr ParsePower()
    {
        var left = ParsePrimary();
        if (Current.Kind == TokenKind.Operator && Current.Text == "^")
        {
            _position++;
            var right = ParseUnary();
            return Binary("^", left, right);
        }

        return left;
    }

    private ParsedExpr ParsePrimary()
    {
        var token = Current;
        switch (token.Kind)
        {
            case TokenKind.Number:
                _position++;
                return new ParsedNumber(double.Parse(token.Text, NumberStyles.Float, CultureInfo.InvariantCulture), token.Start, token.Length);

            case TokenKind.Identifier:
                _position++;
                if (Current.Kind == TokenKind.OpenParen)
                {
                    return ParseCallArguments(token);
                }

                return new ParsedIdentifier(token.Text, token.Start, token.Length);

            case TokenKind.OpenParen:
                _position++;
                var inner = ParseComparison();
                Expect(TokenKind.CloseParen, "')'");
                return inner;

            case TokenKind.End:
                throw new ExpressionSyntaxException("the expression ends too early", token.Start);

            default:
                throw new ExpressionSyntaxException($"unexpected '{token.Text}'", token.Start, token.Length);
        }
    }

    private ParsedExpr ParseCallArguments(Token name)
    {
        _position++; // '('
        var arguments = new List<ParsedExpr>();
        if (Current.Kind != TokenKind.CloseParen)
        {
            arguments.Add(ParseComparison());
            while (Current.Kind == TokenKind.Comma)
            {
                _position++;
                arguments.Add(ParseComparison());
            }
        }

        var close = Expect(TokenKind.CloseParen, "')' or ','");
        return new ParsedCall(name.Text, arguments, name.Length, name.Start, close.Start + 1 - name.Start);
    }

    private Token Expect(TokenKind kind, string what)
    {
        var token = Current;
        if (token.Kind != kind)
        {
            var found = token.Kind == TokenKind.End ? "the end" : $"'{token.Text}'";
            throw new ExpressionSyntaxException($"expected {what} but found {found}", token.Start, token.Length);
        }

        _position++;
        return token;
    }

    private static ParsedBinary Binary(string op, ParsedExpr left, ParsedExpr right) =>
        new(op, left, right, left.Start, right.Start + right.Length - left.Start);
}
