using Microsoft.Playwright;

namespace Loyalty.BrowserTests;

/// <summary>
/// Debian's chromium, found at run time; no browser is ever downloaded. Without it a browser test fails, as the SMTP
/// tests do without aiosmtpd: no test passes without the real part it promises.
/// </summary>
public static class Chromium
{
    public static string? ExecutablePath { get; } = Find();

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
