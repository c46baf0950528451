using Microsoft.Playwright;

namespace Loyalty.BrowserTests;

/// <summary>
/// Debian's chromium, found at run time; no browser is ever downloaded. Without it a browser test is skipped on a
/// developer's machine and fails on CI (<c>CI=true</c>), so that CI cannot pass without having run them.
/// </summary>
public static class Chromium
{
    public static string? ExecutablePath { get; } = Find();

    public static bool Required => string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    public static async Task<(IPlaywright Playwright, IBrowser Browser)> LaunchAsync()
    {
        if (ExecutablePath is null)
        {
            Assert.Fail("chromium was not found (/usr/bin/chromium or on PATH): install Debian's chromium package.");
        }

        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--no-sandbox"],
        });
        return (playwright, browser);
    }

    private static string? Find()
    {
        const string debian = "/usr/bin/chromium";
        if (File.Exists(debian))
        {
            return debian;
        }

        return (Environment.GetEnvironmentVariable("PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "chromium"))
            .FirstOrDefault(File.Exists);
    }
}

/// <summary>A theory that needs chromium: skipped without it, unless CI requires it (then the test fails).</summary>
public sealed class BrowserTheoryAttribute : TheoryAttribute
{
    public BrowserTheoryAttribute()
    {
        if (Chromium.ExecutablePath is null && !Chromium.Required)
        {
            Skip = "chromium is not installed (CI=true makes this a failure)";
        }
    }
}
