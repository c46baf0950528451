using Loyalty.Members.Contracts;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Members.Import;

internal static class ImportServices
{
    public static IServiceCollection AddImports(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ImportOptions>().Bind(configuration.GetSection(ImportOptions.Section));
        services.AddSingleton<ImportStorage>();
        services.AddScoped<ImportJobs>();
        services.AddScoped<ImportEngine>();
        services.AddScoped<IMemberImports, MemberImports>();
        services.AddSingleton<ImportRunner>();
        services.AddHostedService(sp => sp.GetRequiredService<ImportRunner>());
        return services;
    }
}
