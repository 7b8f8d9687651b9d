using Microsoft.Extensions.Caching.Memory;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FlashSale.Gateway.Infrastructure;

/// <summary>
/// Validates identity's tokens and remembers the ones that passed, so that a buyer's next request with the same token
/// skips the RS256 signature check, the gateway's costliest step (about 7 % of the CPU of a hot-SKU benchmark). A token
/// is remembered for at most <see cref="MaxAge"/> and never past its expiry. The key is the whole token, so a token
/// that differs in any character (a forged signature, another claim) is validated in full. After a signing key leaves
/// identity's key set, tokens it signed keep passing for up to <see cref="MaxAge"/> longer.
/// </summary>
public sealed class RecognisingTokenHandler(GatewayMetrics metrics, TimeProvider clock) : JsonWebTokenHandler, IDisposable
{
    public static readonly TimeSpan MaxAge = TimeSpan.FromSeconds(60);

    /// <summary>Tokens remembered at most: one per active user is plenty; a flood of new tokens evicts, never grows.</summary>
    public const int Capacity = 100_000;

    private readonly MemoryCache _passed = new(new MemoryCacheOptions { SizeLimit = Capacity });

    public override async Task<TokenValidationResult> ValidateTokenAsync(string token, TokenValidationParameters validationParameters)
    {
        if (_passed.TryGetValue(token, out TokenValidationResult? passed) && passed is not null)
        {
            metrics.TokenChecked(recognised: true);
            return CopyOf(passed);
        }

        var result = await base.ValidateTokenAsync(token, validationParameters);
        metrics.TokenChecked(recognised: false);
        if (result is not { IsValid: true, SecurityToken: { } validated })
        {
            return result;
        }

        var now = clock.GetUtcNow();
        var expires = new DateTimeOffset(validated.ValidTo, TimeSpan.Zero);
        if (expires > now)
        {
            _passed.Set(token, CopyOf(result), new MemoryCacheEntryOptions { AbsoluteExpiration = Min(expires, now + MaxAge), Size = 1 });
        }

        return result;
    }

    public void Dispose() => _passed.Dispose();

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    // Each request gets its own identity: handlers and claims transformations may add claims to the one they get.
    private static TokenValidationResult CopyOf(TokenValidationResult result) => new()
    {
        IsValid = true,
        SecurityToken = result.SecurityToken,
        ClaimsIdentity = result.ClaimsIdentity.Clone(),
        Issuer = result.Issuer,
        TokenType = result.TokenType,
    };
}
