using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Loyalty.Host.Tests.Members;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;

namespace Loyalty.Host.Tests.Consent;

/// <summary>A backup restored after an erasure brings the member back; the erasure journal, kept outside the database, erases them again.</summary>
public sealed class ErasureJournalTests : IDisposable
{
    private const string Secret = "a suppression secret of at least thirty-two characters";
    private const string Email = "restored.person@example.com";

    private readonly string _journal = Path.Combine(Path.GetTempPath(), $"erasure-journal-{Guid.NewGuid():N}.ndjson");

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task After_a_restore_replay_erasures_erases_again_who_was_erased_since_the_backup_and_only_them(DatabaseProvider provider)
    {
        await using var database = await TestDatabase.CreateAsync(provider);
        var settings = new Dictionary<string, string?> { ["Modules:Consent:SuppressionSecret"] = Secret, ["Modules:Consent:ErasureJournal"] = _journal };
        string program;
        Guid erased, kept;
        await using (var before = LoyaltyHost.StartOn(database, settings, ownsDatabase: false))
        {
            var api = await MembersApi.CreateAsync(before);
            program = api.Program;
            erased = await api.EnrollAsync("shop-erased", Email);
            kept = await api.EnrollAsync("shop-kept", "kept.person@example.com");
        }

        var restore = await database.BackUpAsync();
        Guid request;
        await using (var after = LoyaltyHost.StartOn(database, settings, ownsDatabase: false))
        {
            var dpo = await after.ApiKeyClientAsync(Roles.DataProtectionOfficer);
            var filed = await dpo.PostAsJsonAsync("/api/consent/requests", new { type = "erasure", memberId = erased, verification = "Signed in to the shop account" });
            Assert.Equal(HttpStatusCode.Created, filed.StatusCode);
            request = (await filed.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
            var done = await dpo.PostAsync($"/api/consent/requests/{request}/erasure", null);
            Assert.Equal("completed", (await done.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("status").GetString());
        }

        // The journal names the request and the member by id, and nothing of the person.
        var journal = await File.ReadAllTextAsync(_journal);
        Assert.Contains(request.ToString(), journal, StringComparison.Ordinal);
        Assert.Contains(erased.ToString(), journal, StringComparison.Ordinal);
        Assert.DoesNotContain("restored.person", journal, StringComparison.Ordinal);

        await restore();
        await using (var restored = LoyaltyHost.StartOn(database, settings, ownsDatabase: false))
        {
            var admin = await restored.ApiKeyClientAsync(Roles.Admin);
            Assert.Equal(("Active", Email), await MemberAsync(admin, program, erased));
        }

        var replay = await CommandTests.RunHostAsync(database, "replay-erasures", $"--Modules:Consent:SuppressionSecret={Secret}", $"--Modules:Consent:ErasureJournal={_journal}");
        Assert.True(replay.ExitCode == 0, replay.Output + replay.Error);
        Assert.True(replay.Output.Contains("1 erasures, 0 already done, 1 erased again, 0 of members this database does not hold, 0 not completed", StringComparison.Ordinal), replay.Output);
        var again = await CommandTests.RunHostAsync(database, "replay-erasures", $"--Modules:Consent:SuppressionSecret={Secret}", $"--Modules:Consent:ErasureJournal={_journal}");
        Assert.True(again.ExitCode == 0, again.Output + again.Error);
        Assert.True(again.Output.Contains("1 erasures, 1 already done, 0 erased again", StringComparison.Ordinal), again.Output);

        await using var replayed = LoyaltyHost.StartOn(database, settings);
        var staff = await replayed.ApiKeyClientAsync(Roles.Admin);
        Assert.Equal(("Erased", null), await MemberAsync(staff, program, erased));
        Assert.Equal("Active", (await MemberAsync(staff, program, kept)).Status);
        // The replayed request is the DPO's record of it, under its first id; the person is suppressed again.
        var dpoAfter = await replayed.ApiKeyClientAsync(Roles.DataProtectionOfficer);
        var view = await dpoAfter.GetFromJsonAsync<JsonElement>($"/api/consent/requests/{request}");
        Assert.Equal(("completed", "erasure journal replay"), (view.GetProperty("status").GetString(), view.GetProperty("filedBy").GetString()));
        var pos = await replayed.ApiKeyClientAsync(Roles.Integrator);
        var enrolAgain = await pos.PostAsJsonAsync($"/api/members/programs/{program}/members", new { externalId = "shop-new", email = Email, channel = "web" });
        Assert.Equal(HttpStatusCode.Conflict, enrolAgain.StatusCode);
    }

    private static async Task<(string Status, string? Email)> MemberAsync(HttpClient staff, string program, Guid member)
    {
        var view = await staff.GetFromJsonAsync<MembersApi.MemberView>($"/api/members/programs/{program}/members/{member}");
        return (view!.Status, view.Email);
    }

    public void Dispose() => File.Delete(_journal);
}
