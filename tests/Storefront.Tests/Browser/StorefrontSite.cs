using FlashSale.EndToEnd.Tests.Fixture;
using FlashSale.Storefront;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Playwright;

namespace FlashSale.Storefront.Tests.Browser;

[CollectionDefinition(Name)]
public sealed class StorefrontCollection : ICollectionFixture<StorefrontSite>
{
    public const string Name = "storefront";
}

/// <summary>
/// The storefront on loopback in front of the whole in-process system (<see cref="SystemFixture"/> over FlashSale.InProcessSystem: every service, the
/// Dapr and actor stand-ins), and Debian's Chromium driven by Playwright. Playwright's own browser download needs the
/// internet, so the browser is the system's (<c>apt-get install chromium</c>; <c>CHROMIUM_PATH</c> overrides the path).
/// </summary>
public sealed class StorefrontSite(SystemFixture system) : IAsyncLifetime
{
    private static readonly string[] ChromiumArgs =
        ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run"];

    private ServiceHost<StorefrontAssemblyMarker> _storefront = null!;
    private IPlaywright _playwright = null!;
    private IBrowser _browser = null!;

    public SystemFixture System => system;

    public Uri Address => _storefront.Address;

    /// <summary>Where screenshots go: the run's TestResults (tests/run.sh keeps it), so CI keeps them as artifacts.</summary>
    public static string ScreenshotFolder { get; } = Path.Combine(RepositoryRoot(), "TestResults", "screenshots");

    public async ValueTask InitializeAsync()
    {
        _storefront = ServiceHost<StorefrontAssemblyMarker>.Start("storefront", system.Sidecar.Dapr, new HostSetup
        {
            Settings = new Dictionary<string, string?> { ["Gateway:BaseAddress"] = system.GatewayAddress.ToString() },
            // The framework's scripts (blazor.web.js) from the build's static web assets, as in a published image.
            ConfigureHost = host => host.UseStaticWebAssets(),
        });
        _playwright = await Playwright.CreateAsync();
        Assertions.SetDefaultExpectTimeout((float)Eventually.Deadline.TotalMilliseconds);
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium",
            Args = ChromiumArgs,
            Headless = true,
        });
    }

    /// <summary>A fresh browser profile (its own cookies), e.g. one per shopper; phone-sized on request.</summary>
    public async Task<IPage> NewPageAsync(bool phone = false)
    {
        var context = await _browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Address.ToString(),
            ViewportSize = phone ? new ViewportSize { Width = 390, Height = 844 } : new ViewportSize { Width = 1280, Height = 900 },
        });
        context.SetDefaultTimeout((float)Eventually.Deadline.TotalMilliseconds);
        var page = await context.NewPageAsync();
        // What the browser saw goes into the test's output, for when a scenario fails.
        var output = TestContext.Current.TestOutputHelper;
        page.Console += (_, message) => output?.WriteLine($"[browser {message.Type}] {message.Text}");
        page.RequestFailed += (_, request) => output?.WriteLine($"[browser request failed] {request.Method} {request.Url}: {request.Failure}");
        return page;
    }

    public async Task SignInAsync(IPage page, string userName)
    {
        await page.GotoAsync("/signin");
        await page.GetByLabel("User name").FillAsync(userName);
        await page.GetByLabel("Password").FillAsync(Customers.PasswordOf(userName));
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Assertions.Expect(page.GetByText($"Signed in as {userName}")).ToBeVisibleAsync();
    }

    /// <summary>Saves a full-page screenshot into <see cref="ScreenshotFolder"/> and attaches it to the test's result.</summary>
    public static async Task ScreenshotAsync(IPage page, string name)
    {
        Directory.CreateDirectory(ScreenshotFolder);
        var bytes = await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(ScreenshotFolder, $"{name}.png"), FullPage = true });
        TestContext.Current.AddAttachment(name, bytes, "image/png");
    }

    public async ValueTask DisposeAsync()
    {
        await _browser.DisposeAsync();
        _playwright.Dispose();
        await _storefront.DisposeAsync();
    }

    private static string RepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Services.sln")))
            {
                return directory.FullName;
            }
        }

        return AppContext.BaseDirectory;
    }
}
