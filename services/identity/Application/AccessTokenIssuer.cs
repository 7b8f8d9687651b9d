using FlashSale.Identity.Domain;
using FlashSale.Identity.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FlashSale.Identity.Application;

/// <summary>Issues short-lived RS256 access tokens: <c>sub</c>, one <c>role</c> per role, <c>jti</c>, <c>iat</c>.</summary>
public sealed class AccessTokenIssuer(SigningKey signingKey, IOptions<IdentityOptions> options, TimeProvider time)
{
    /// <summary>Short enough that a stolen token is of little use; there is no revocation list.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromMinutes(15);

    private readonly JsonWebTokenHandler _handler = new();

    public string Issue(UserAccount account)
    {
        var now = time.GetUtcNow().UtcDateTime;
        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = options.Value.Issuer,
            Audience = options.Value.Audience,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + Lifetime,
            SigningCredentials = signingKey.Credentials,
            Claims = new Dictionary<string, object>
            {
                [JwtRegisteredClaimNames.Sub] = account.UserName,
                [JwtRegisteredClaimNames.Jti] = Guid.NewGuid().ToString("N"),
                // Always an array, so clients see one shape whether the user has one role or several.
                ["role"] = account.Roles.ToArray(),
            },
        });
    }
}
