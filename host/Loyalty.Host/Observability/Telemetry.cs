using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Quartz.Diagnostics;

namespace Loyalty.Host.Observability;

/// <summary>
/// OpenTelemetry metrics and traces: the product's own meters (<c>Loyalty.*</c>: transactions, redemptions, outbox
/// lag, sync runs, Salesforce API usage), Quartz's job executions, and ASP.NET Core's and HttpClient's requests.
/// They are exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (docs/operations.md, "Watching it");
/// without it nothing leaves the process, and <c>dotnet-counters</c> can still read the meters.
/// </summary>
internal static class Telemetry
{
    public const string ProductMeters = "Loyalty.*";

    public static IServiceCollection AddLoyaltyTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(
                serviceName: configuration["OTEL_SERVICE_NAME"] ?? "loyalty-monolith",
                serviceInstanceId: $"{Environment.MachineName}/{Environment.ProcessId}"))
            .WithMetrics(metrics => metrics
                .AddMeter(ProductMeters, QuartzInstrumentation.MeterName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation())
            .WithTracing(tracing => tracing
                .AddSource(QuartzInstrumentation.ActivitySourceName)
                // Health probes are polled every few seconds and say nothing about the program.
                .AddAspNetCoreInstrumentation(options => options.Filter = http => !http.Request.Path.StartsWithSegments("/health"))
                .AddHttpClientInstrumentation());
        if (!string.IsNullOrEmpty(configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            telemetry.UseOtlpExporter();
        }

        return services;
    }
}
