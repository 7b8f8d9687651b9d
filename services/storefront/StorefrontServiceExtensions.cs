using FlashSale.Sidecar;
using FlashSale.Storefront.Api;
using FlashSale.Storefront.Infrastructure;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FlashSale.Storefront;

public static class StorefrontServiceExtensions
{
    /// <summary>
    /// Razor components (static server rendering, interactive server components for the live pages), the cookie session
    /// holding the user's token, Data Protection keys shared by every replica, and the gateway client.
    /// </summary>
    public static WebApplicationBuilder AddStorefront(this WebApplicationBuilder builder)
    {
        builder.AddDaprSidecar();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddRazorComponents().AddInteractiveServerComponents();
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddAuthorization();
        builder.Services.AddAuthentication(CookieAuthenticationDefaults.AuthenticationScheme).AddCookie(ShopperSession.Configure);
        builder.Services.AddAntiforgery(ShopperSession.ConfigureAntiforgery);

        builder.Services.AddSingleton<DaprKeyRepository>();
        builder.Services.AddDataProtection().SetApplicationName("flashsale-storefront");
        builder.Services.AddSingleton<IConfigureOptions<KeyManagementOptions>>(services =>
            new ConfigureOptions<KeyManagementOptions>(options => options.XmlRepository = services.GetRequiredService<DaprKeyRepository>()));

        // No resilience pipeline: its retries would replay refusals (429) the shopper should see, and its timeouts
        // would cut the live streams; GatewayClient times REST calls out itself.
#pragma warning disable EXTEXP0001 // Evaluation API; the only way to opt one client out of ConfigureHttpClientDefaults' pipeline.
        builder.Services.AddHttpClient<GatewayClient>(http =>
            {
                http.BaseAddress = new Uri(builder.Configuration["Gateway:BaseAddress"] ?? throw new InvalidOperationException("Gateway:BaseAddress is not set"));
                http.Timeout = Timeout.InfiniteTimeSpan;
            })
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        return builder;
    }

    /// <summary>The session, authorization and antiforgery.</summary>
    public static WebApplication UseStorefront(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseAntiforgery();
        return app;
    }
}
