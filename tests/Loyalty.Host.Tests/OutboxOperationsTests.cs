using System.Net;
using System.Net.Http.Json;
using Loyalty.Shared.Messaging;
using Loyalty.Shared.Persistence;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Loyalty.Host.Tests;

public sealed class OutboxOperationsTests
{
    [Fact]
    public async Task An_admin_sees_a_dead_letter_and_sends_it_again()
    {
        await using var host = await LoyaltyHost.StartAsync(DatabaseProvider.Sqlite);
        var id = Guid.NewGuid();
        await using (var scope = host.Services.CreateAsyncScope())
        {
            var members = LoyaltyHost.ModuleContext(scope.ServiceProvider, "members");
            members.OutboxMessages.Add(new OutboxMessage
            {
                Id = id,
                EventType = "Loyalty.Members.Contracts.SomethingRetired",
                Payload = "{}",
                OccurredAt = host.Clock.GetUtcNow(),
                NextAttemptAt = host.Clock.GetUtcNow(),
                Status = OutboxMessageStatus.DeadLettered,
                Attempts = 10,
                LastError = "SomeHandler: System.TimeoutException: the CRM did not answer",
            });
            await members.SaveChangesAsync();
        }

        using var admin = await host.SignedInAdminAsync();
        var dead = await admin.GetFromJsonAsync<List<DeadLetter>>("/api/admin/outbox/dead-letters");
        Assert.Equal(new DeadLetter(id, "members", 10, "SomeHandler: System.TimeoutException: the CRM did not answer"), Assert.Single(dead!));

        Assert.Equal(HttpStatusCode.NoContent, (await admin.PostAsync($"/api/admin/outbox/members/{id}/retry", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await admin.PostAsync($"/api/admin/outbox/members/{id}/retry", null)).StatusCode);
        Assert.Empty((await admin.GetFromJsonAsync<List<DeadLetter>>("/api/admin/outbox/dead-letters"))!);

        // The running dispatcher picks it up again; an event nobody subscribes to is simply delivered.
        // It polls on the host's clock, which this test moves.
        var status = OutboxMessageStatus.Pending;
        for (var i = 0; i < 100 && status != OutboxMessageStatus.Delivered; i++)
        {
            host.Clock.Advance(TimeSpan.FromSeconds(1));
            await Task.Delay(50);
            await using var scope = host.Services.CreateAsyncScope();
            status = await LoyaltyHost.ModuleContext(scope.ServiceProvider, "members").OutboxMessages.Where(m => m.Id == id).Select(m => m.Status).SingleAsync();
        }

        Assert.Equal(OutboxMessageStatus.Delivered, status);
    }


    private sealed record DeadLetter(Guid Id, string Module, int Attempts, string? LastError);
}
