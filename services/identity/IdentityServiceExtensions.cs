using FlashSale.Identity.Domain;
using FlashSale.Identity.Application;
using FlashSale.Identity.Infrastructure;
using FlashSale.Sidecar;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FlashSale.Identity;

public static class IdentityServiceExtensions
{
    /// <summary>
    /// Development and Testing are demo environments: they get the demo users (demo-users.json) and, when no
    /// <c>Identity:SigningKey</c> is configured, a signing key generated at start-up.
    /// </summary>
    public static bool IsDemoEnvironment(IHostEnvironment environment) =>
        environment.IsDevelopment() || environment.IsEnvironment("Testing");

    /// <summary>Users (configured and signed up), the signing key and the token issuer, with configuration checked at start-up.</summary>
    public static WebApplicationBuilder AddIdentity(this WebApplicationBuilder builder)
    {
        if (IsDemoEnvironment(builder.Environment))
        {
            // First, i.e. lowest precedence: appsettings, environment variables and arguments can still change them.
            builder.Configuration.Sources.Insert(0, new JsonConfigurationSource
            {
                FileProvider = builder.Environment.ContentRootFileProvider,
                Path = "demo-users.json",
                Optional = false,
            });
        }

        builder.Services.AddOptions<IdentityOptions>().BindConfiguration(IdentityOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<IdentityOptions>, IdentityOptionsValidator>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(services => SigningKey.Create(
            services.GetRequiredService<IOptions<IdentityOptions>>(), services.GetRequiredService<ILogger<SigningKey>>()));
        builder.Services.AddSingleton<AccessTokenIssuer>();
        builder.AddDaprSidecar();
        builder.Services.AddSingleton<UserStore>();
        builder.Services.AddSingleton<UserDirectory>();
        return builder;
    }
}
