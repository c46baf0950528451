using BenchmarkDotNet.Attributes;
using Loyalty.Campaigns.Messaging;
using Loyalty.Members.Contracts;
using Scriban;
using Scriban.Runtime;

namespace Loyalty.Campaigns.Benchmarks;

/// <summary>
/// Issue 6's render anchor: a campaign email of about 10 variables and a loop over 5 offers, rendered by Scriban as it
/// is (<see cref="Scriban_raw"/>) and through the campaign's strict template (<see cref="Campaign_template"/>), with a
/// fresh model per message as a send builds it.
/// </summary>
[Config(typeof(EarningRulesBenchmark.OneCore))]
[MemoryDiagnoser]
public class MessageRenderBenchmark
{
    public const string Subject = "{{ member.first_name }}, {{ member.expiring_points }} points expire soon";

    public const string Body = """
        <html><body>
        <h1>Hello {{ member.first_name }} {{ member.last_name ?? "" }}</h1>
        <p>You have {{ member.balance }} points at {{ program.name }}{{ if member.tier }}, as a {{ member.tier }} member{{ end }}.</p>
        <p>{{ member.expiring_points }} of them expire on {{ member.expiring_at | date.to_string "%d %b %Y" }}.</p>
        <p>Your code: <b>{{ voucher.code }}</b> (valid until {{ voucher.expires_at | date.to_string "%d %b %Y" }})</p>
        <table>
        {{ for offer in offers }}<tr class="{{ for.even ? "even" : "odd" }}"><td>{{ offer.name }}</td><td>{{ offer.points }} points</td><td><a href="{{ offer.url }}">Get it</a></td></tr>
        {{ end }}</table>
        <p><a href="{{ unsubscribe_url }}">Unsubscribe</a> · {{ member.email }} · {{ member.locale }}</p>
        </body></html>
        """;

    private static readonly LoyaltyProgramDto Program = new(
        Guid.NewGuid(), "bench", "Nordic Rewards", "Europe/Berlin", "EUR", DateTimeOffset.UnixEpoch, "points", "status-points", 1m, "transaction", 0, "none", 0, "keep", 0);

    private Template _raw = null!;
    private MessageTemplate _template = null!;
    private MessageRecipient _member = null!;
    private int _i;

    [GlobalSetup]
    public void Setup()
    {
        _raw = Template.Parse(Body);
        _template = MessageTemplate.Parse(Body);
        _member = new MessageRecipient(Guid.NewGuid(), "active", "ada@example.com", null, "Ada", "Lovelace", "en-GB", "gold", 12_345, 800, DateTimeOffset.UtcNow.AddDays(20));
    }

    [Benchmark]
    public int Scriban_raw()
    {
        var context = new TemplateContext();
        context.PushGlobal(Model(_member, _i++));
        return _raw.Render(context).Length;
    }

    [Benchmark(Baseline = true)]
    public int Campaign_template() => _template.Render(Model(_member, _i++)).Text!.Length;

    public static ScriptObject Model(MessageRecipient member, int i)
    {
        var model = MessageTemplate.Model(Program, member with { FirstName = $"Ada{i}" }, ($"GIFT-{i:D8}", DateTimeOffset.UtcNow.AddDays(30)), $"https://loyalty.example.com/api/campaigns/m/unsubscribe/{i}");
        var offers = new ScriptArray();
        for (var o = 1; o <= 5; o++)
        {
            offers.Add(new ScriptObject { ["name"] = $"Offer {o}", ["points"] = o * 100, ["url"] = $"https://shop.example/offers/{o}" });
        }

        model["offers"] = offers;
        return model;
    }
}
