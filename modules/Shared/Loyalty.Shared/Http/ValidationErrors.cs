using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Loyalty.Shared.Http;

/// <summary>
/// Collects field errors of a request; <see cref="ToProblem"/> answers RFC 7807 problem+json (400) naming each field
/// (camelCase, as in the JSON the client sent) and the reason.
/// </summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsEmpty => _errors.Count == 0;

    /// <summary>The names of the invalid fields, for reports that must not quote the values.</summary>
    public IEnumerable<string> Fields => _errors.Keys;

    /// <summary>Records <paramref name="reason"/> for <paramref name="field"/> unless <paramref name="valid"/>.</summary>
    public ValidationErrors Check(bool valid, string field, string reason)
    {
        if (!valid)
        {
            if (!_errors.TryGetValue(field, out var reasons))
            {
                _errors[field] = reasons = [];
            }

            reasons.Add(reason);
        }

        return this;
    }

    /// <summary>Records every error of <paramref name="other"/> under <paramref name="prefix"/> (a part validated on its own, inside this request).</summary>
    public ValidationErrors Include(ValidationErrors other, string prefix)
    {
        foreach (var (field, reasons) in other._errors)
        {
            foreach (var reason in reasons)
            {
                Check(false, $"{prefix}.{field}", reason);
            }
        }

        return this;
    }

    public ValidationProblem ToProblem() =>
        TypedResults.ValidationProblem(
            _errors.ToDictionary(e => e.Key, e => e.Value.ToArray()),
            title: "The request has invalid fields.");
}
