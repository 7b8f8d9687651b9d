using System.Security.Claims;
using FlashSale.Storefront.Infrastructure;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace FlashSale.Storefront.Api;

/// <summary>
/// The browser's session: an encrypted (Data Protection), HttpOnly, SameSite=Strict cookie holding the user's claims and
/// the gateway token. The token never reaches script in the page; the storefront sends it to the gateway on the user's
/// behalf. The session ends when the token does.
/// </summary>
public static class ShopperSession
{
    public const string CookieName = "flashsale-session";
    public const string TokenClaim = "access_token";
    public const string AdminRole = "admin";

    public static void Configure(CookieAuthenticationOptions options)
    {
        options.Cookie.Name = CookieName;
        options.Cookie.HttpOnly = true;
        options.Cookie.SameSite = SameSiteMode.Strict;
        // Secure whenever the request is HTTPS (the ingress terminates TLS in production and says so in X-Forwarded-Proto).
        options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        options.LoginPath = "/signin";
        options.AccessDeniedPath = "/forbidden";
        options.SlidingExpiration = false;
    }

    public static void ConfigureAntiforgery(AntiforgeryOptions options)
    {
        options.Cookie.Name = "flashsale-antiforgery";
        options.Cookie.SameSite = SameSiteMode.Strict;
    }

    public static Task SignInAsync(HttpContext http, string userName, SignedIn signedIn)
    {
        var token = GatewayClient.ReadClaims(signedIn.AccessToken);
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, token.Subject ?? userName),
            new(ClaimTypes.Name, userName),
            new(TokenClaim, signedIn.AccessToken),
        };
        claims.AddRange(token.Claims.Where(claim => claim.Type == "role").Select(claim => new Claim(ClaimTypes.Role, claim.Value)));
        var principal = new ClaimsPrincipal(new ClaimsIdentity(claims, CookieAuthenticationDefaults.AuthenticationScheme));
        return http.SignInAsync(principal, new AuthenticationProperties { ExpiresUtc = signedIn.ExpiresAt, IsPersistent = false });
    }

    public static string? TokenOf(ClaimsPrincipal user) => user.FindFirstValue(TokenClaim);

    public static bool IsAdmin(ClaimsPrincipal user) => user.IsInRole(AdminRole);
}
