using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace FlashSale.ServiceDefaults;

/// <summary>
/// The headers through which the gateway tells a backend who the caller is. The gateway validates the JWT and strips
/// any such header arriving from outside; in the mesh an Istio AuthorizationPolicy lets only the gateway call backends.
/// </summary>
public static class GatewayHeaders
{
    public const string UserId = "X-User-Id";
    public const string UserRoles = "X-User-Roles";
}

public static class Roles
{
    public const string Customer = "customer";
    public const string Admin = "admin";
}

public static class GatewayUserAuthenticationExtensions
{
    public const string Scheme = "GatewayUser";

    /// <summary>Authenticates requests from the gateway's user headers; policies <c>customer</c> and <c>admin</c>.</summary>
    public static WebApplicationBuilder AddGatewayUserAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(Scheme)
            .AddScheme<AuthenticationSchemeOptions, GatewayUserAuthenticationHandler>(Scheme, null);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(Roles.Customer, policy => policy.RequireAuthenticatedUser())
            .AddPolicy(Roles.Admin, policy => policy.RequireRole(Roles.Admin));
        return builder;
    }

    /// <summary>
    /// Authentication and authorization, placed explicitly after <c>UseServiceDefaults()</c> (not implicitly first) so
    /// its status-code pages give 401 and 403 a problem+json body.
    /// </summary>
    public static WebApplication UseGatewayUserAuthentication(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }

    public static string UserId(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClaimTypes.NameIdentifier) ?? throw new InvalidOperationException("the request is not authenticated");
}

internal sealed class GatewayUserAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    protected override Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var userId = Request.Headers[GatewayHeaders.UserId].ToString();
        if (string.IsNullOrWhiteSpace(userId))
        {
            return Task.FromResult(AuthenticateResult.NoResult());
        }

        var claims = new List<Claim> { new(ClaimTypes.NameIdentifier, userId) };
        claims.AddRange(Request.Headers[GatewayHeaders.UserRoles].ToString()
            .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(role => new Claim(ClaimTypes.Role, role)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, GatewayUserAuthenticationExtensions.Scheme));
        return Task.FromResult(AuthenticateResult.Success(new AuthenticationTicket(principal, GatewayUserAuthenticationExtensions.Scheme)));
    }
}
