using System.Globalization;
using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;

namespace Loyalty.Host.Http;

/// <summary>
/// The compile-time request delegates (Directory.Build.props) answer a bare 400 when an optional route or query value
/// does not parse (<c>after=abc</c> for an id) instead of throwing as <see cref="UnreadableRequestHandler"/> expects.
/// This fills in that problem the same way: which parameter, from what value.
/// </summary>
internal static class UnboundParameterProblem
{
    public static void Describe(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        if (context.ProblemDetails.Status != StatusCodes.Status400BadRequest || context.Exception is not null
            || context.ProblemDetails.Detail is not null || http.GetEndpoint() is not { } endpoint)
        {
            return;
        }

        foreach (var parameter in endpoint.Metadata.GetOrderedMetadata<IParameterBindingMetadata>())
        {
            if (!parameter.HasTryParse || parameter.ParameterInfo.Name is not { } name)
            {
                continue;
            }

            var raw = http.Request.RouteValues.TryGetValue(name, out var routeValue) ? routeValue as string : http.Request.Query[name].ToString();
            if (string.IsNullOrEmpty(raw) || Parses(parameter.ParameterInfo.ParameterType, raw))
            {
                continue;
            }

            var typeName = TypeName(parameter.ParameterInfo.ParameterType);
            context.ProblemDetails.Title = "The request could not be read.";
            context.ProblemDetails.Detail = string.Create(CultureInfo.InvariantCulture, $"Failed to bind parameter \"{typeName} {name}\" from \"{raw}\".");
            context.ProblemDetails.Extensions["errors"] = new Dictionary<string, string[]> { [name] = [$"'{raw}' is not a valid {(Nullable.GetUnderlyingType(parameter.ParameterInfo.ParameterType) ?? parameter.ParameterInfo.ParameterType).Name}."] };
            return;
        }
    }

    private static bool Parses(Type type, string raw)
    {
        var target = Nullable.GetUnderlyingType(type) ?? type;
        if (target == typeof(string))
        {
            return true;
        }

        if (target.IsEnum)
        {
            return Enum.TryParse(target, raw, ignoreCase: true, out _);
        }

        var tryParse = target.GetMethod("TryParse", BindingFlags.Public | BindingFlags.Static, [typeof(string), typeof(IFormatProvider), target.MakeByRefType()]);
        return tryParse is null || (bool)tryParse.Invoke(null, [raw, CultureInfo.InvariantCulture, null])!;
    }

    private static string TypeName(Type type) =>
        Nullable.GetUnderlyingType(type) is { } inner ? inner.Name + "?" : type.Name;
}
