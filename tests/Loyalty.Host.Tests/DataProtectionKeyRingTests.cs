using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Loyalty.Shared.Persistence;
using Loyalty.Testing;
using Microsoft.AspNetCore.DataProtection.EntityFrameworkCore;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Host.Tests;

public sealed class DataProtectionKeyRingTests
{
    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task The_key_ring_is_kept_in_the_database_and_a_cookie_issued_by_one_node_signs_in_on_another(DatabaseProvider provider)
    {
        await using var first = await LoyaltyHost.StartAsync(provider);
        await using var second = first.AnotherNode();

        var cookie = await SignInAsync(first);

        Assert.Equal(HttpStatusCode.OK, await AdminUsersStatusAsync(second, cookie));
        var keys = await KeysAsync(second);
        Assert.NotEmpty(keys);
        Assert.All(keys, key => Assert.Contains("<masterKey", key));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task With_a_certificate_configured_the_keys_are_stored_encrypted(DatabaseProvider provider)
    {
        var certificatePath = Path.Combine(Path.GetTempPath(), $"loyalty-keyring-{Guid.NewGuid():N}.pfx");
        using (var rsa = RSA.Create(2048))
        {
            var request = new CertificateRequest("CN=loyalty-key-ring-test", rsa, HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
            using var certificate = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddYears(1));
            await File.WriteAllBytesAsync(certificatePath, certificate.Export(X509ContentType.Pfx, "test-password"));
        }

        try
        {
            var settings = new Dictionary<string, string?>
            {
                ["DataProtection:CertificatePath"] = certificatePath,
                ["DataProtection:CertificatePassword"] = "test-password",
            };
            await using var first = await LoyaltyHost.StartAsync(provider, settings);
            await using var second = first.AnotherNode();

            var cookie = await SignInAsync(first);

            Assert.Equal(HttpStatusCode.OK, await AdminUsersStatusAsync(second, cookie));
            var keys = await KeysAsync(second);
            Assert.NotEmpty(keys);
            Assert.All(keys, key =>
            {
                Assert.Contains("encryptedSecret", key);
                Assert.DoesNotContain("<value>", key);
            });
        }
        finally
        {
            File.Delete(certificatePath);
        }
    }

    private static async Task<string> SignInAsync(LoyaltyHost host)
    {
        using var client = host.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        var response = await client.PostAsJsonAsync("/api/admin/auth/sign-in",
            new { userName = LoyaltyHost.AdminUserName, password = LoyaltyHost.AdminPassword });
        response.EnsureSuccessStatusCode();
        return response.Headers.GetValues("Set-Cookie").Single(c => c.StartsWith("loyalty.auth=", StringComparison.Ordinal)).Split(';')[0];
    }

    private static async Task<HttpStatusCode> AdminUsersStatusAsync(LoyaltyHost host, string cookie)
    {
        using var client = host.CreateClient(new WebApplicationFactoryClientOptions { HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/admin/users");
        request.Headers.Add("Cookie", cookie);
        return (await client.SendAsync(request)).StatusCode;
    }

    private static async Task<List<string>> KeysAsync(LoyaltyHost host)
    {
        await using var scope = host.Services.CreateAsyncScope();
        var keys = await LoyaltyHost.ModuleContext(scope.ServiceProvider, "admin").Set<DataProtectionKey>().Select(k => k.Xml!).ToListAsync();
        return keys;
    }
}
