using System.Security.Cryptography.X509Certificates;
using Loyalty.Administration.Persistence;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Administration.DataProtection;

/// <summary>
/// Settings of the Data Protection key ring (section <c>DataProtection</c>). The keys protect sign-in cookies,
/// connector secrets, signed survey and unsubscribe links and export archives.
/// </summary>
internal sealed class KeyRingOptions
{
    public const string Section = "DataProtection";

    /// <summary>
    /// Isolates this installation's keys. Every node of one installation must use the same name; ASP.NET Core's
    /// default is the content root path, which differs between nodes installed in different folders.
    /// </summary>
    public string ApplicationName { get; set; } = "Loyalty.Monolith";

    /// <summary>A PFX file whose certificate encrypts the keys in the database; empty keeps them unencrypted.</summary>
    public string? CertificatePath { get; set; }

    public string? CertificatePassword { get; set; }
}

internal static class SharedKeyRing
{
    /// <summary>
    /// Keeps the key ring in the database (the <c>admin</c> schema), so that every node of the installation reads and
    /// writes the same keys: a cookie or a link issued by one node is accepted by the others, and secrets encrypted
    /// on one node can be decrypted on all of them and after a restart.
    /// </summary>
    public static void AddSharedKeyRing(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection(KeyRingOptions.Section).Get<KeyRingOptions>() ?? new KeyRingOptions();
        var builder = services.AddDataProtection()
            .SetApplicationName(options.ApplicationName)
            .PersistKeysToDbContext<AdministrationDbContext>();
        if (!string.IsNullOrEmpty(options.CertificatePath))
        {
            builder.ProtectKeysWithCertificate(
                X509CertificateLoader.LoadPkcs12FromFile(options.CertificatePath, options.CertificatePassword, X509KeyStorageFlags.EphemeralKeySet));
        }
    }
}
