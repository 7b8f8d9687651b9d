using System.ComponentModel.DataAnnotations;
using FlashSale.ServiceDefaults;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace FlashSale.Gateway.Infrastructure;

/// <summary>The <c>Authentication</c> configuration section: where identity publishes its keys and what tokens are for.</summary>
public sealed class TokenValidationOptions
{
    public const string Section = "Authentication";

    /// <summary>Identity's OpenID Connect discovery document, from which issuer and signing keys are read.</summary>
    [Required, Url]
    public string MetadataAddress { get; set; } = "";

    [Required]
    public string Audience { get; set; } = "";

    /// <summary>Tolerated clock difference between identity and gateway when checking <c>exp</c> and <c>nbf</c>.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan ClockSkew { get; set; }
}

/// <summary>The claims identity puts into its tokens, read without ASP.NET Core's legacy claim-type mapping.</summary>
public static class TokenClaims
{
    public const string Subject = "sub";
    public const string Role = "role";
}

public static class TokenValidationExtensions
{
    /// <summary>
    /// Validates identity's RS256 tokens (signature against the published JWKS, issuer, audience, lifetime; a token
    /// that passed moments ago is recognised, see <see cref="RecognisingTokenHandler"/>) and
    /// defines the route policies: <c>customer</c> (role customer or admin, so staff can place test orders) and
    /// <c>admin</c>. Rejections are 401/403 problem+json, written by the status-code pages of the service defaults.
    /// </summary>
    public static WebApplicationBuilder AddTokenValidation(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<TokenValidationOptions>()
            .BindConfiguration(TokenValidationOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.TryAddSingleton<GatewayMetrics>();
        builder.Services.AddSingleton<RecognisingTokenHandler>();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<IOptions<TokenValidationOptions>, RecognisingTokenHandler>((jwt, settings, tokens) =>
            {
                jwt.TokenHandlers.Clear();
                jwt.TokenHandlers.Add(tokens);
                jwt.MetadataAddress = settings.Value.MetadataAddress;
                // Plain HTTP inside the cluster: the Istio mesh encrypts and authenticates the hop with mTLS.
                jwt.RequireHttpsMetadata = false;
                jwt.MapInboundClaims = false;
                jwt.TokenValidationParameters = new TokenValidationParameters
                {
                    // The issuer is taken from the discovery document; signing keys from its jwks_uri.
                    ValidAudience = settings.Value.Audience,
                    ValidAlgorithms = [SecurityAlgorithms.RsaSha256],
                    ClockSkew = settings.Value.ClockSkew,
                    RequireExpirationTime = true,
                    NameClaimType = TokenClaims.Subject,
                    RoleClaimType = TokenClaims.Role,
                };
            });

        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Customer, policy => policy.RequireRole(Roles.Customer, Roles.Admin))
            .AddPolicy(Roles.Admin, policy => policy.RequireRole(Roles.Admin));
        return builder;
    }
}
