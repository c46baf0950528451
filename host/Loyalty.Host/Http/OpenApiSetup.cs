using System.Text.Json;
using Loyalty.Shared.Http;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace Loyalty.Host.Http;

internal static class OpenApiSetup
{
    public static IServiceCollection AddLoyaltyOpenApi(this IServiceCollection services) =>
        services.AddOpenApi(options => options.AddOperationTransformer(AddRequestExample).AddDocumentTransformer((document, _, _) =>
        {
            document.Info = new OpenApiInfo
            {
                Title = "Loyalty.Monolith API",
                Version = "v1",
                Description = "Members, points, rewards, campaigns, feedback, GDPR and CRM connectors. " +
                    "Machine clients send 'Authorization: Bearer <API key>'; people sign in at /api/admin/auth/sign-in (cookie).",
            };
            document.Components ??= new OpenApiComponents();
            document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
            document.Components.SecuritySchemes["apiKey"] = new OpenApiSecurityScheme
            {
                Type = SecuritySchemeType.Http,
                Scheme = "bearer",
                Description = "An API key created under /api/admin/api-keys.",
            };
            document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference("apiKey", document)] = [] }];
            return Task.CompletedTask;
        }));

    private static Task AddRequestExample(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var example = context.Description.ActionDescriptor.EndpointMetadata.OfType<RequestExample>().LastOrDefault();
        if (example is not null && operation.RequestBody?.Content?.TryGetValue("application/json", out var body) == true)
        {
            var json = context.ApplicationServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
            body.Example = JsonSerializer.SerializeToNode(example.Value, json);
        }

        return Task.CompletedTask;
    }

    public static WebApplication MapLoyaltyOpenApi(this WebApplication app)
    {
        app.MapOpenApi().AllowAnonymous();
        app.MapScalarApiReference(options => options.WithTitle("Loyalty.Monolith API")).AllowAnonymous();
        return app;
    }
}
