using Loyalty.Shared.Persistence;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Shared.Http;

public static class IdempotencyKeyExtensions
{
    /// <summary>
    /// Honours an optional <c>Idempotency-Key</c> header on this endpoint (see docs/api-conventions.md). The keys and
    /// the answers to replay are kept in <typeparamref name="TModuleDbContext"/>, the endpoint's own module, per caller;
    /// the endpoint must therefore require an authenticated caller. <paramref name="claim"/> says when the key is
    /// claimed; the default, before the endpoint runs, suits every endpoint.
    /// </summary>
    public static RouteHandlerBuilder WithIdempotencyKey<TModuleDbContext>(
        this RouteHandlerBuilder builder, IdempotencyClaimMode claim = IdempotencyClaimMode.BeforeEndpoint)
        where TModuleDbContext : ModuleDbContext =>
        builder
            .WithMetadata(new IdempotencyKeyMetadata(typeof(TModuleDbContext), claim))
            .AddEndpointFilter((context, next) => context.HttpContext.Items.ContainsKey(IdempotencyKeyMiddleware.Applied)
                ? next(context)
                : throw new InvalidOperationException(
                    $"{context.HttpContext.GetEndpoint()} takes an {IdempotencyKeyMiddleware.HeaderName}, but app.UseIdempotencyKeys() is not in the pipeline."))
            .ProducesProblem(StatusCodes.Status409Conflict)
            .ProducesProblem(StatusCodes.Status422UnprocessableEntity);

    /// <summary>Answers requests with an <c>Idempotency-Key</c>; goes after authorization, since keys are kept per caller.</summary>
    public static IApplicationBuilder UseIdempotencyKeys(this IApplicationBuilder app) =>
        app.UseMiddleware<IdempotencyKeyMiddleware>();

    internal static IServiceCollection AddIdempotencyKeys(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<IdempotencyOptions>().Bind(configuration.GetSection(IdempotencyOptions.Section));
        return services;
    }
}

/// <summary>Marks an endpoint that honours <c>Idempotency-Key</c>, naming the module DbContext that keeps its records.</summary>
internal sealed record IdempotencyKeyMetadata(Type ModuleDbContextType, IdempotencyClaimMode Claim);
