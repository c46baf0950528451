using System.Net.Http.Json;
using System.Text.Json;
using Loyalty.Shared.Persistence;
using Loyalty.Shared.Security;
using Loyalty.Testing;
using Microsoft.Playwright;

namespace Loyalty.BrowserTests;

/// <summary>
/// Each main admin screen, as an admin sees it: every form field has an accessible name, the keyboard reaches the main
/// navigation and the screen's primary action with a visible focus, body text and buttons have a contrast of at least
/// 4.5:1 (computed here from the browser's computed styles: no axe-core is at hand), and a phone-sized viewport shows the
/// navigation and the members list without scrolling the page sideways.
/// </summary>
public sealed class AccessibilityTests
{
    private const string Program = "a11y";

    /// <summary>The screen's address and the accessible name of its primary action (a button or a link).</summary>
    public static TheoryData<string, string> Screens => new()
    {
        { "/admin", "Show period" },
        { $"/admin/members?program={Program}", "Search" },
        { "/admin/gdpr", "File a request" },
        { $"/admin/gdpr/purposes?program={Program}", "Create purpose" },
        { "/admin/surveys", "New survey" },
        { "/admin/earning-rules", "New rule" },
        { "/admin/rewards", "New reward" },
        { "/admin/programs", "Show" },
        { $"/admin/imports?program={Program}", "Upload and import" },
        { "/admin/connectors", "New connection" },
        { "/admin/administration", "Create user" },
        { "/admin/segments", "New segment" },
        { "/admin/campaigns", "New campaign" },
    };

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task Every_main_screen_names_its_fields_is_reachable_by_keyboard_with_a_visible_focus_and_has_readable_contrast(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        await SeedAsync(host);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB", ViewportSize = new() { Width = 1280, Height = 900 } })).NewPageAsync();
        await host.SignInAsync(page, BrowserHost.AdminUserName, BrowserHost.AdminPassword);

        var problems = new List<string>();
        foreach (var (path, primaryAction) in Screens.Select(row => ((string)row[0], (string)row[1])))
        {
            await page.GotoAsync(new Uri(host.Address, path).ToString());
            problems.AddRange((await page.EvaluateAsync<string[]>(UnnamedFieldsScript)).Select(field => $"{path}: the field {field} has no accessible name"));
            problems.AddRange((await page.EvaluateAsync<string[]>(LowContrastScript)).Select(text => $"{path}: {text}"));
            problems.AddRange(await KeyboardProblemsAsync(page, path, primaryAction));
        }

        Assert.True(problems.Count == 0, string.Join(Environment.NewLine, problems));
    }

    [Theory]
    [MemberData(nameof(TestDatabase.Providers), MemberType = typeof(TestDatabase))]
    public async Task On_a_phone_the_navigation_and_the_members_list_fit_the_width(DatabaseProvider provider)
    {
        await using var host = await BrowserHost.StartAsync(provider);
        await SeedAsync(host);
        var (playwright, browser) = await Chromium.LaunchAsync();
        using var _ = playwright;
        await using var __ = browser;
        var page = await (await browser.NewContextAsync(new BrowserNewContextOptions { Locale = "en-GB", ViewportSize = new() { Width = 375, Height = 800 } })).NewPageAsync();
        await host.SignInAsync(page, BrowserHost.AdminUserName, BrowserHost.AdminPassword);

        await page.GotoAsync(new Uri(host.Address, $"/admin/members?program={Program}").ToString());
        await page.GetByRole(AriaRole.Button, new() { Name = "Search" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Link, new() { Name = "Ada Lovelace" })).ToBeVisibleAsync();
        // The drawer is closed on a phone; its links are behind "Menu".
        await page.GetByText("Menu", new() { Exact = true }).ClickAsync();
        var navigation = page.GetByRole(AriaRole.Navigation, new() { Name = "Main navigation" });
        await Assertions.Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Members" })).ToBeVisibleAsync();
        await Assertions.Expect(navigation.GetByRole(AriaRole.Link, new() { Name = "Campaigns" })).ToBeVisibleAsync();
        var overflow = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
        await Screenshots.SaveAsync(page, "admin-members-phone", fullPage: true);
        Assert.True(overflow <= 0, $"The members page is {overflow} px wider than the 375 px viewport.");
    }

    /// <summary>Tabs from the top of the page: it must reach a link of the main navigation and the primary action, each with a visible focus indicator.</summary>
    private static async Task<IEnumerable<string>> KeyboardProblemsAsync(IPage page, string path, string primaryAction)
    {
        await page.EvaluateAsync("() => { document.activeElement?.blur(); window.scrollTo(0, 0); }");
        await page.Locator("body").FocusAsync();
        var (reachedNavigation, reachedAction) = (false, false);
        var problems = new List<string>();
        for (var i = 0; i < 150 && !(reachedNavigation && reachedAction); i++)
        {
            await page.Keyboard.PressAsync("Tab");
            var focused = await page.EvaluateAsync<JsonElement>(FocusedScript);
            if (focused.ValueKind != JsonValueKind.Object)
            {
                continue;
            }

            var name = focused.GetProperty("name").GetString() ?? string.Empty;
            var inNavigation = focused.GetProperty("inNavigation").GetBoolean();
            var isAction = string.Equals(name, primaryAction, StringComparison.OrdinalIgnoreCase);
            if ((inNavigation && !reachedNavigation) || (isAction && !reachedAction))
            {
                if (!focused.GetProperty("visibleFocus").GetBoolean())
                {
                    problems.Add($"{path}: '{name}' shows no visible focus");
                }
            }

            reachedNavigation |= inNavigation;
            reachedAction |= isAction;
        }

        if (!reachedNavigation)
        {
            problems.Add($"{path}: the keyboard does not reach the main navigation");
        }

        if (!reachedAction)
        {
            problems.Add($"{path}: the keyboard does not reach '{primaryAction}'");
        }

        return problems;
    }

    /// <summary>Visible inputs, selects and text areas without a label, aria-label, aria-labelledby or title.</summary>
    private const string UnnamedFieldsScript = """
        () => [...document.querySelectorAll('input:not([type=hidden]), select, textarea')]
            .filter(e => e.getClientRects().length > 0)
            .filter(e => !(e.labels && [...e.labels].some(l => l.textContent.trim()))
                && !(e.getAttribute('aria-label') || '').trim()
                && !(e.getAttribute('aria-labelledby') || '').split(/\s+/).some(id => id && document.getElementById(id)?.textContent.trim())
                && !(e.getAttribute('title') || '').trim())
            .map(e => `${e.tagName.toLowerCase()}#${e.id || '(no id)'}[name=${e.name || ''}]`)
        """;

    /// <summary>
    /// Text of the page's elements whose own text sits on a background with a contrast below 4.5:1 (WCAG 2 relative
    /// luminance), the background being the nearest opaque one of the element or its ancestors (white if none), and
    /// translucent text colours blended onto it.
    /// </summary>
    private const string LowContrastScript = """
        () => {
            const parse = c => { const m = c.match(/rgba?\(([^)]+)\)/); if (!m) return null; const p = m[1].split(/[ ,\/]+/).filter(Boolean).map(Number); return { r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1 }; };
            const background = e => {
                for (let n = e; n; n = n.parentElement) {
                    const c = parse(getComputedStyle(n).backgroundColor);
                    if (c && c.a >= 0.99) return c;
                }
                return { r: 255, g: 255, b: 255, a: 1 };
            };
            const channel = v => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
            const luminance = c => 0.2126 * channel(c.r) + 0.7152 * channel(c.g) + 0.0722 * channel(c.b);
            const ratio = (a, b) => { const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x); return (l1 + 0.05) / (l2 + 0.05); };
            const problems = [];
            for (const e of document.querySelectorAll('body *')) {
                if (['SCRIPT', 'STYLE', 'svg', 'OPTION'].includes(e.tagName) || e.closest('svg') || e.getClientRects().length === 0) continue;
                const ownText = [...e.childNodes].filter(n => n.nodeType === 3).map(n => n.textContent).join('').trim();
                if (!ownText) continue;
                const style = getComputedStyle(e);
                if (style.visibility === 'hidden' || Number(style.opacity) === 0 || e.closest('[disabled],[aria-disabled=true]')) continue;
                const bg = background(e);
                let fg = parse(style.color);
                if (!fg) continue;
                fg = { r: fg.r * fg.a + bg.r * (1 - fg.a), g: fg.g * fg.a + bg.g * (1 - fg.a), b: fg.b * fg.a + bg.b * (1 - fg.a) };
                const r = ratio(fg, bg);
                if (r < 4.5) problems.push(`'${ownText.slice(0, 40)}' (${e.tagName.toLowerCase()}${e.className && typeof e.className === 'string' ? '.' + e.className.split(' ')[0] : ''}) has a contrast of ${r.toFixed(2)}:1`);
            }
            return [...new Set(problems)];
        }
        """;

    /// <summary>The focused element's accessible name (its label, aria-label or text), whether it is in the main navigation, and whether its focus can be seen.</summary>
    private const string FocusedScript = """
        () => {
            const e = document.activeElement;
            if (!e || e === document.body) return null;
            const style = getComputedStyle(e);
            const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0;
            const shadow = style.boxShadow && style.boxShadow !== 'none';
            const name = (e.getAttribute('aria-label') || (e.labels && e.labels[0]?.textContent) || e.textContent || e.value || '').trim();
            return { name, inNavigation: !!e.closest('nav[aria-label="Main navigation"]'), visibleFocus: outline || shadow };
        }
        """;

    private static async Task SeedAsync(BrowserHost host)
    {
        using var admin = await host.ApiKeyClientAsync(Roles.Admin);
        using var integrator = await host.ApiKeyClientAsync(Roles.Integrator);
        (await admin.PostAsJsonAsync("/api/members/programs", new { code = Program, name = "Accessibility", timeZone = "Europe/Berlin", currency = "EUR" })).EnsureSuccessStatusCode();
        (await integrator.PostAsJsonAsync($"/api/members/programs/{Program}/members", new
        {
            email = "ada.lovelace.with.a.long.address@example.com", firstName = "Ada", lastName = "Lovelace", cardNumber = "C-1815-1210-0001", channel = "web",
        })).EnsureSuccessStatusCode();
    }
}
