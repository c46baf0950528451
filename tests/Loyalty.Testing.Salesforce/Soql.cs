using System.Globalization;
using System.Text;

namespace Loyalty.Testing.Salesforce;

/// <summary>
/// The part of SOQL the connector sends: SELECT fields FROM object [WHERE conditions with AND, OR, NOT and parentheses]
/// [ORDER BY fields [ASC|DESC]] [LIMIT n]. Anything else is a MALFORMED_QUERY, as in Salesforce.
/// </summary>
internal sealed class Soql
{
    private readonly List<string> _tokens;
    private int _position;

    private Soql(List<string> tokens) => _tokens = tokens;

    public required IReadOnlyList<string> Fields { get; init; }

    public required string ObjectName { get; init; }

    public Func<Func<string, object?>, bool> Where { get; init; } = _ => true;

    public IReadOnlyList<(string Field, bool Descending)> OrderBy { get; init; } = [];

    public int? Limit { get; init; }

    public static Soql Parse(string text)
    {
        var parser = new Soql(Tokenize(text)) { Fields = [], ObjectName = "" };
        parser.Expect("SELECT");
        var fields = new List<string> { parser.Next() };
        while (parser.TryTake(","))
        {
            fields.Add(parser.Next());
        }

        parser.Expect("FROM");
        var objectName = parser.Next();
        Func<Func<string, object?>, bool> where = _ => true;
        if (parser.TryTake("WHERE"))
        {
            where = parser.ParseOr();
        }

        var orderBy = new List<(string, bool)>();
        if (parser.TryTake("ORDER"))
        {
            parser.Expect("BY");
            do
            {
                var field = parser.Next();
                var descending = parser.TryTake("DESC");
                if (!descending)
                {
                    parser.TryTake("ASC");
                }

                orderBy.Add((field, descending));
            }
            while (parser.TryTake(","));
        }

        int? limit = null;
        if (parser.TryTake("LIMIT"))
        {
            limit = int.TryParse(parser.Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var n)
                ? n
                : throw new FormatException("LIMIT needs a number");
        }

        if (parser._position != parser._tokens.Count)
        {
            throw new FormatException($"unexpected token '{parser._tokens[parser._position]}'");
        }

        return new Soql(parser._tokens) { Fields = fields, ObjectName = objectName, Where = where, OrderBy = orderBy, Limit = limit };
    }

    private Func<Func<string, object?>, bool> ParseOr()
    {
        var left = ParseAnd();
        while (TryTake("OR"))
        {
            var l = left;
            var r = ParseAnd();
            left = get => l(get) || r(get);
        }

        return left;
    }

    private Func<Func<string, object?>, bool> ParseAnd()
    {
        var left = ParseUnary();
        while (TryTake("AND"))
        {
            var l = left;
            var r = ParseUnary();
            left = get => l(get) && r(get);
        }

        return left;
    }

    private Func<Func<string, object?>, bool> ParseUnary()
    {
        if (TryTake("NOT"))
        {
            var inner = ParseUnary();
            return get => !inner(get);
        }

        if (TryTake("("))
        {
            var inner = ParseOr();
            Expect(")");
            return inner;
        }

        var field = Next();
        var op = Next();
        var literal = Literal(Next());
        return op switch
        {
            "=" => get => Compare(get(field), literal) == 0,
            "!=" => get => Compare(get(field), literal) != 0,
            "<" => get => Compare(get(field), literal) < 0,
            "<=" => get => Compare(get(field), literal) <= 0,
            ">" => get => Compare(get(field), literal) > 0,
            ">=" => get => Compare(get(field), literal) >= 0,
            _ => throw new FormatException($"unknown operator '{op}'"),
        };
    }

    /// <summary>Orders like SOQL: nulls first, then by value.</summary>
    public static int Compare(object? left, object? right) => (left, right) switch
    {
        (null, null) => 0,
        (null, _) => -1,
        (_, null) => 1,
        (DateTimeOffset a, DateTimeOffset b) => a.CompareTo(b),
        (decimal a, decimal b) => a.CompareTo(b),
        (bool a, bool b) => a.CompareTo(b),
        _ => string.CompareOrdinal(Convert.ToString(left, CultureInfo.InvariantCulture), Convert.ToString(right, CultureInfo.InvariantCulture)),
    };

    private static object? Literal(string token)
    {
        if (token.StartsWith('\''))
        {
            return token[1..^1];
        }

        if (token.Equals("null", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        if (bool.TryParse(token, out var flag))
        {
            return flag;
        }

        // SOQL datetime literals carry no quotes: 2017-04-25T16:21:44Z or 2017-04-25T16:21:44.000+00:00.
        if (token.Length > 10 && token[4] == '-' && token[10] == 'T'
            && DateTimeOffset.TryParse(token, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            return time;
        }

        return decimal.TryParse(token, NumberStyles.Number, CultureInfo.InvariantCulture, out var number)
            ? number
            : throw new FormatException($"unexpected token '{token}'");
    }

    private string Next() => _position < _tokens.Count ? _tokens[_position++] : throw new FormatException("unexpected end of query");

    private bool TryTake(string keyword)
    {
        if (_position < _tokens.Count && _tokens[_position].Equals(keyword, StringComparison.OrdinalIgnoreCase))
        {
            _position++;
            return true;
        }

        return false;
    }

    private void Expect(string keyword)
    {
        if (!TryTake(keyword))
        {
            throw new FormatException($"expecting '{keyword}'");
        }
    }

    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c is ',' or '(' or ')')
            {
                tokens.Add(c.ToString());
                i++;
            }
            else if (c is '=' or '<' or '>' or '!')
            {
                var op = i + 1 < text.Length && text[i + 1] == '=' ? text.Substring(i, 2) : c.ToString();
                tokens.Add(op);
                i += op.Length;
            }
            else if (c == '\'')
            {
                var literal = new StringBuilder("'");
                i++;
                while (i < text.Length && text[i] != '\'')
                {
                    if (text[i] == '\\' && i + 1 < text.Length)
                    {
                        i++;
                    }

                    literal.Append(text[i++]);
                }

                if (i == text.Length)
                {
                    throw new FormatException("unterminated string literal");
                }

                tokens.Add(literal.Append('\'').ToString());
                i++;
            }
            else
            {
                var start = i;
                while (i < text.Length && !char.IsWhiteSpace(text[i]) && text[i] is not (',' or '(' or ')' or '=' or '<' or '>' or '!' or '\''))
                {
                    i++;
                }

                tokens.Add(text[start..i]);
            }
        }

        return tokens;
    }
}
