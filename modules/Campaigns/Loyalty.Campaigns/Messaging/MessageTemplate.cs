using Loyalty.Members.Contracts;
using Scriban;
using Scriban.Runtime;
using Scriban.Syntax;

namespace Loyalty.Campaigns.Messaging;

/// <param name="Line">1-based.</param>
/// <param name="Column">1-based.</param>
internal sealed record TemplateError(int Line, int Column, string Message);

/// <summary>
/// A Scriban template of a campaign's content. Parsed once; rendered strictly: an unknown variable or field, or an
/// output without a value (<c>{{ member.first_name }}</c> for a member without one), fails the render instead of
/// leaving a gap, so a message is never sent half-rendered. <c>{{ member.first_name ?? "friend" }}</c> and
/// <c>{{ if member.tier }}</c> handle values a member may lack.
/// </summary>
internal sealed class MessageTemplate
{
    private readonly Template _template;

    private MessageTemplate(Template template) => _template = template;

    public static MessageTemplate Parse(string text, out IReadOnlyList<TemplateError> errors)
    {
        var template = Template.Parse(text);
        errors = template.HasErrors
            ? template.Messages.Select(m => new TemplateError(m.Span.Start.Line + 1, m.Span.Start.Column + 1, m.Message)).ToList()
            : [];
        return new MessageTemplate(template);
    }

    public static MessageTemplate Parse(string text) =>
        Parse(text, out var errors) is var template && errors.Count == 0
            ? template
            : throw new ArgumentException($"The template does not parse: {errors[0].Message}", nameof(text));

    /// <summary>The text, or the first missing value's position and reason.</summary>
    public RenderResult Render(ScriptObject model)
    {
        var context = new StrictTemplateContext();
        context.PushGlobal(model);
        try
        {
            return new RenderResult(_template.Render(context), null);
        }
        catch (ScriptRuntimeException e)
        {
            return new RenderResult(null, new TemplateError(e.Span.Start.Line + 1, e.Span.Start.Column + 1, e.OriginalMessage));
        }
    }

    /// <summary>
    /// What a template sees: <c>member</c> (first_name, last_name, email, locale, tier, balance, expiring_points,
    /// expiring_at), <c>program</c> (name, code), <c>voucher</c> (code, expires_at) when the campaign issues one, and
    /// <c>unsubscribe_url</c>. A field the member has no value for is null.
    /// </summary>
    public static ScriptObject Model(LoyaltyProgramDto program, MessageRecipient member, (string Code, DateTimeOffset? ExpiresAt)? voucher, string unsubscribeUrl)
    {
        var model = new ScriptObject
        {
            ["member"] = new ScriptObject
            {
                ["id"] = member.Id.ToString(),
                ["first_name"] = member.FirstName,
                ["last_name"] = member.LastName,
                ["email"] = member.Email,
                ["locale"] = member.Locale,
                ["tier"] = member.Tier,
                ["balance"] = member.Balance,
                ["expiring_points"] = member.ExpiringPoints,
                ["expiring_at"] = member.ExpiringAt?.UtcDateTime,
            },
            ["program"] = new ScriptObject { ["name"] = program.Name, ["code"] = program.Code },
            ["unsubscribe_url"] = unsubscribeUrl,
        };
        if (voucher is { } issued)
        {
            model["voucher"] = new ScriptObject { ["code"] = issued.Code, ["expires_at"] = issued.ExpiresAt?.UtcDateTime };
        }

        return model;
    }

    private sealed class StrictTemplateContext : TemplateContext
    {
        public StrictTemplateContext()
        {
            StrictVariables = true;
            EnableRelaxedMemberAccess = false;
            // A template loops over data, never for ever: a bound keeps a broken loop from holding a send.
            LoopLimit = 10_000;
        }

        public override object? Evaluate(ScriptNode? scriptNode, bool aliasReturnedFunction)
        {
            var value = base.Evaluate(scriptNode, aliasReturnedFunction);
            if (value is null && scriptNode?.Parent is ScriptExpressionStatement && scriptNode is not ScriptAssignExpression)
            {
                throw new ScriptRuntimeException(scriptNode!.Span, $"`{scriptNode}` has no value for this member");
            }

            return value;
        }
    }
}

internal sealed record RenderResult(string? Text, TemplateError? Error);
