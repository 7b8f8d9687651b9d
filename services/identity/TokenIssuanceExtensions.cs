using FlashSale.Identity.Domain;
using FlashSale.Identity.Tokens;
using Microsoft.Extensions.Configuration.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace FlashSale.Identity;

public static class TokenIssuanceExtensions
{
    /// <summary>
    /// Development and Testing are demo environments: they get the demo users (demo-users.json) and, when no
    /// <c>Identity:SigningKey</c> is configured, a signing key generated at start-up.
    /// </summary>
    public static bool IsDemoEnvironment(IHostEnvironment environment) =>
        environment.IsDevelopment() || environment.IsEnvironment("Testing");

    /// <summary>Users, the signing key and the token issuer, with configuration checked at start-up.</summary>
    public static WebApplicationBuilder AddTokenIssuance(this WebApplicationBuilder builder)
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

        builder.Services.AddOptions<IdentityServiceOptions>().BindConfiguration(IdentityServiceOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<IdentityServiceOptions>, IdentityServiceOptionsValidator>();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(services => SigningKey.Create(
            services.GetRequiredService<IOptions<IdentityServiceOptions>>(), services.GetRequiredService<ILogger<SigningKey>>()));
        builder.Services.AddSingleton<AccessTokenIssuer>();
        builder.Services.AddSingleton(services => new UserDirectory(
            services.GetRequiredService<IOptions<IdentityServiceOptions>>().Value.Users.Select(user => new UserAccount(
                user.Key, PasswordHash.Parse(user.Value.PasswordHash), user.Value.Roles))));
        return builder;
    }
}
