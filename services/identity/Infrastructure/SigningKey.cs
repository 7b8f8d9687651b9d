using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using FlashSale.Identity.Application;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace FlashSale.Identity.Infrastructure;

/// <summary>
/// The RSA key that signs access tokens. Its key id is the RFC 7638 thumbprint of the public key, so every replica
/// sharing the configured key announces the same <c>kid</c> without a separate setting that could drift.
/// </summary>
public sealed class SigningKey : IDisposable
{
    private readonly RSA _rsa;

    private SigningKey(RSA rsa)
    {
        _rsa = rsa;
        var publicKey = rsa.ExportParameters(includePrivateParameters: false);
        PublicJwk = new PublicJsonWebKey(
            Kty: "RSA",
            Use: "sig",
            Alg: SecurityAlgorithms.RsaSha256,
            Kid: Thumbprint(publicKey),
            N: Base64Url.EncodeToString(publicKey.Modulus),
            E: Base64Url.EncodeToString(publicKey.Exponent));
        Credentials = new SigningCredentials(new RsaSecurityKey(rsa) { KeyId = PublicJwk.Kid }, SecurityAlgorithms.RsaSha256);
    }

    public SigningCredentials Credentials { get; }

    /// <summary>Only the public half: this is what <c>/.well-known/jwks.json</c> publishes.</summary>
    public PublicJsonWebKey PublicJwk { get; }

    /// <summary>
    /// The configured key, or a generated one when none is configured; <see cref="IdentityOptionsValidator"/>
    /// has already refused a missing key outside Development and Testing.
    /// </summary>
    public static SigningKey Create(IOptions<IdentityOptions> options, ILogger<SigningKey> logger)
    {
        if (string.IsNullOrWhiteSpace(options.Value.SigningKey))
        {
            logger.LogWarning("No Identity:SigningKey configured; signing with a key generated at start-up, " +
                              "so tokens stop validating when this process restarts");
            return new SigningKey(RSA.Create(2048));
        }

        var rsa = RSA.Create();
        rsa.ImportFromPem(options.Value.SigningKey);
        return new SigningKey(rsa);
    }

    public void Dispose() => _rsa.Dispose();

    private static string Thumbprint(RSAParameters publicKey)
    {
        // RFC 7638: the required members in lexicographic order, no whitespace.
        var canonical = $$"""{"e":"{{Base64Url.EncodeToString(publicKey.Exponent)}}","kty":"RSA","n":"{{Base64Url.EncodeToString(publicKey.Modulus)}}"}""";
        return Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }
}

/// <summary>An RSA public key as a JSON Web Key (RFC 7517); member names are the protocol's, hence the short names.</summary>
public sealed record PublicJsonWebKey(string Kty, string Use, string Alg, string Kid, string N, string E);
