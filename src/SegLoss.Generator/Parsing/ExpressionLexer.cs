using System.Collections.Generic;
using System.Globalization;

namespace SegLoss.Generator.Parsing;

internal enum TokenKind
{
    Number,
    Identifier,
    Operator,
    OpenParen,
    CloseParen,
    Comma,
    End,
}

internal readonly record struct Token(TokenKind Kind, string Text, int Start)
{
    public int Length => Kind == TokenKind.End ? 1 : Text.Length;
}

/// <summary>Splits an expression string into tokens; numbers in invariant culture, identifiers ASCII.</summary>
internal static class ExpressionLexer
{
    public static List<Token> Tokenize(string text)
    {
        var tokens = new List<Token>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (char.IsDigit(c) || (c == '.' && i + 1 < text.Length && char.IsDigit(text[i + 1])))
            {
                tokens.Add(ReadNumber(text, ref i));
            }
            else if (char.IsLetter(c) || c == '_')
            {
                var start = i;
                while (i < text.Length && (char.IsLetterOrDigit(text[i]) || text[i] == '_'))
                {
                    i++;
                }

                tokens.Add(new Token(TokenKind.Identifier, text.Substring(start, i - start), start));
            }
            else if ((c is '>' or '<') && i + 1 < text.Length && text[i + 1] == '=')
            {
                tokens.Add(new Token(TokenKind.Operator, text.Substring(i, 2), i));
                i += 2;
            }
            else if (c is '+' or '-' or '*' or '/' or '^' or '>' or '<')
            {
                tokens.Add(new Token(TokenKind.Operator, c.ToString(), i++));
            }
            else if (c == '(')
            {
                tokens.Add(new Token(TokenKind.OpenParen, "(", i++));
            }
            else if (c == ')')
            {
                tokens.Add(new Token(TokenKind.CloseParen, ")", i++));
            }
            else if (c == ',')
            {
                tokens.Add(new Token(TokenKind.Comma, ",", i++));
            }
            else
            {
                throw new ExpressionSyntaxException($"unexpected character '{c}'", i);
            }
        }

        tokens.Add(new Token(TokenKind.End, "", text.Length));
        return tokens;
    }

    private static Token ReadNumber(string text, ref int i)
    {
        var start = i;
        while (i < text.Length && (char.IsDigit(text[i]) || text[i] == '.'))
        {
            i++;
        }

        if (i < text.Length && (text[i] is 'e' or 'E'))
        {
            var j = i + 1;
            if (j < text.Length && (text[j] is '+' or '-'))
            {
                j++;
            }

            if (j < text.Length && char.IsDigit(text[j]))
            {
                i = j;
                while (i < text.Length && char.IsDigit(text[i]))
                {
                    i++;
                }
            }
        }

        var literal = text.Substring(start, i - start);
        if (!double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out _))
        {
            throw new ExpressionSyntaxException($"'{literal}' is not a number", start, literal.Length);
        }

        return new Token(TokenKind.Number, literal, start);
    }
}
