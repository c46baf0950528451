using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace Loyalty.Benchmarks;

/// <summary>
/// pgbench's part for SQLite: runs a script of SQL statements, <c>\set</c> and <c>\gset</c> (the subset of pgbench's
/// script language that Anchors/*.sqlite.sql use) with prepared commands per client, as fast as plain ADO.NET goes.
/// </summary>
public sealed partial class SqliteScriptAnchor(string connectionString, IReadOnlyDictionary<string, object> constants)
{
    private readonly List<(Script Script, int Weight)> _scripts = [];

    public SqliteScriptAnchor Add(string path, int weight)
    {
        _scripts.Add((Script.Parse(File.ReadAllText(path)), weight));
        return this;
    }

    /// <summary>Transactions per second of <paramref name="clients"/> closed-loop clients over <paramref name="duration"/>.</summary>
    public async Task<double> RunAsync(int clients, TimeSpan duration)
    {
        long done = 0;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(_ => Task.Run(() =>
        {
            using var connection = new SqliteConnection(connectionString);
            connection.Open();
            var prepared = new Dictionary<string, SqliteCommand>();
            var totalWeight = _scripts.Sum(s => s.Weight);
            while (clock.Elapsed < duration)
            {
                var pick = Random.Shared.Next(totalWeight);
                var script = _scripts.First(s => (pick -= s.Weight) < 0).Script;
                script.Run(connection, prepared, Variables());
                Interlocked.Increment(ref done);
            }

            foreach (var command in prepared.Values)
            {
                command.Dispose();
            }
        })));
        return done / clock.Elapsed.TotalSeconds;
    }

    /// <summary>What the host makes in memory for each request: ids and the time, in EF Core's SQLite formats.</summary>
    private Dictionary<string, object> Variables()
    {
        var now = DateTimeOffset.UtcNow;
        var variables = new Dictionary<string, object>(constants)
        {
            ["key"] = Guid.NewGuid().ToString(),
            ["at"] = now.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
            ["tomorrow"] = now.AddDays(1).ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
        };
        foreach (var id in new[] { "tx", "e1", "e2", "l1", "l2", "ob" })
        {
            variables[id] = Guid.CreateVersion7(now).ToString().ToUpperInvariant();
        }

        return variables;
    }

    private sealed record Step(string? SetName, string? Expression, string? Sql, bool Gset);

    private sealed partial class Script(List<Step> steps)
    {
        public static Script Parse(string text)
        {
            var steps = new List<Step>();
            foreach (var raw in text.Split('\n'))
            {
                var line = raw.Trim();
                if (line.Length == 0 || line.StartsWith("--", StringComparison.Ordinal))
                {
                    continue;
                }

                if (line.StartsWith("\\set ", StringComparison.Ordinal))
                {
                    var parts = line[5..].Split(' ', 2);
                    steps.Add(new Step(parts[0], parts[1], null, false));
                    continue;
                }

                var gset = line.EndsWith("\\gset", StringComparison.Ordinal);
                var sql = gset ? line[..^5].Trim() : line;
                steps.Add(new Step(null, null, Variable().Replace(sql, "$$$1"), gset));
            }

            return new Script(steps);
        }

        public void Run(SqliteConnection connection, Dictionary<string, SqliteCommand> prepared, Dictionary<string, object> variables)
        {
            foreach (var step in steps)
            {
                if (step.SetName is not null)
                {
                    variables[step.SetName] = new Expression(step.Expression!, variables).Evaluate();
                    continue;
                }

                if (!prepared.TryGetValue(step.Sql!, out var command))
                {
                    command = connection.CreateCommand();
                    command.CommandText = step.Sql;
                    foreach (Match name in Parameter().Matches(step.Sql!))
                    {
                        if (!command.Parameters.Contains(name.Value))
                        {
                            command.Parameters.Add(new SqliteParameter(name.Value, null));
                        }
                    }

                    command.Prepare();
                    prepared[step.Sql!] = command;
                }

                foreach (SqliteParameter parameter in command.Parameters)
                {
                    parameter.Value = variables[parameter.ParameterName[1..]];
                }

                if (!step.Gset)
                {
                    command.ExecuteNonQuery();
                    continue;
                }

                using var reader = command.ExecuteReader();
                if (!reader.Read())
                {
                    throw new InvalidOperationException($"\\gset got no row: {step.Sql}");
                }

                for (var i = 0; i < reader.FieldCount; i++)
                {
                    variables[reader.GetName(i)] = reader.GetValue(i);
                }
            }
        }

        [GeneratedRegex(@"(?<![:\w$]):([a-zA-Z_]\w*)")]
        private static partial Regex Variable();

        [GeneratedRegex(@"\$[a-zA-Z_]\w*")]
        private static partial Regex Parameter();
    }

    /// <summary>pgbench's integer expressions: numbers, :variables, + - * /, parentheses and random(lo, hi).</summary>
    private sealed class Expression(string text, Dictionary<string, object> variables)
    {
        private int _at;

        public long Evaluate()
        {
            var value = Sum();
            return _at == text.Length ? value : throw new FormatException($"Unexpected '{text[_at..]}' in '{text}'.");
        }

        private long Sum()
        {
            var value = Product();
            while (Peek() is '+' or '-')
            {
                var op = text[_at++];
                var right = Product();
                value = op == '+' ? value + right : value - right;
            }

            return value;
        }

        private long Product()
        {
            var value = Factor();
            while (Peek() is '*' or '/')
            {
                var op = text[_at++];
                var right = Factor();
                value = op == '*' ? value * right : value / right;
            }

            return value;
        }

        private long Factor()
        {
            var c = Peek();
            if (c == '(')
            {
                _at++;
                var inner = Sum();
                Expect(')');
                return inner;
            }

            if (c == ':')
            {
                _at++;
                return Convert.ToInt64(variables[Word()], CultureInfo.InvariantCulture);
            }

            if (char.IsDigit(c))
            {
                var start = _at;
                while (_at < text.Length && char.IsDigit(text[_at]))
                {
                    _at++;
                }

                return long.Parse(text[start.._at], CultureInfo.InvariantCulture);
            }

            var name = Word();
            if (name != "random")
            {
                throw new FormatException($"Unknown function '{name}' in '{text}'.");
            }

            Expect('(');
            var lo = Sum();
            Expect(',');
            var hi = Sum();
            Expect(')');
            return Random.Shared.NextInt64(lo, hi + 1);
        }

        private string Word()
        {
            var start = _at;
            while (_at < text.Length && (char.IsLetterOrDigit(text[_at]) || text[_at] == '_'))
            {
                _at++;
            }

            return text[start.._at];
        }

        private void Expect(char c)
        {
            if (Peek() != c)
            {
                throw new FormatException($"Expected '{c}' at {_at} in '{text}'.");
            }

            _at++;
        }

        private char Peek()
        {
            while (_at < text.Length && text[_at] == ' ')
            {
                _at++;
            }

            return _at < text.Length ? text[_at] : '\0';
        }
    }
}
