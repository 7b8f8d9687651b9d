using System.Security.Cryptography;
using FlashSale.Identity.Domain;
using Microsoft.Extensions.Options;

namespace FlashSale.Identity.Application;

/// <summary>The <c>Identity</c> configuration section.</summary>
public sealed class IdentityOptions
{
    public const string Section = "Identity";

    /// <summary>The token's <c>iss</c>, a logical name the gateway checks against the discovery document.</summary>
    public string Issuer { get; set; } = "";

    /// <summary>The token's <c>aud</c>.</summary>
    public string Audience { get; set; } = "";

    /// <summary>
    /// The RSA private key (PEM, PKCS#1 or PKCS#8) that signs tokens, mounted from a Secret in a cluster. Development
    /// and Testing generate a throw-away key when it is absent.
    /// </summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// PBKDF2 iterations for the passwords of customers who sign up (about 0.3-0.5 s of CPU each at the default). Only
    /// the Testing environment may go below <see cref="PasswordHash.DefaultIterations"/>, to keep test runs fast.
    /// </summary>
    public int PasswordHashIterations { get; set; } = PasswordHash.DefaultIterations;

    /// <summary>
    /// Configured users (seeds such as admin), e.g. <c>Identity:Users:alice:PasswordHash</c> and
    /// <c>Identity:Users:alice:Roles:0</c>; customers who sign up are kept in identity-store instead.
    /// </summary>
    public Dictionary<string, UserOptions> Users { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    public sealed class UserOptions
    {
        /// <summary>A <see cref="PasswordHash"/>, produced by <c>dotnet run --project services/identity -- hash-password</c>.</summary>
        public string PasswordHash { get; set; } = "";

        public List<string> Roles { get; set; } = [];
    }
}

/// <summary>Fails start-up with a message naming the setting to fix, instead of failing the first sign-in.</summary>
internal sealed class IdentityOptionsValidator(IHostEnvironment environment) : IValidateOptions<IdentityOptions>
{
    private const int MinimumKeySize = 2048;

    public ValidateOptionsResult Validate(string? name, IdentityOptions options)
    {
        var failures = new List<string>();
        if (!Uri.TryCreate(options.Issuer, UriKind.Absolute, out _))
        {
            failures.Add($"{IdentityOptions.Section}:Issuer must be an absolute URI, e.g. http://identity.");
        }

        if (string.IsNullOrWhiteSpace(options.Audience))
        {
            failures.Add($"{IdentityOptions.Section}:Audience is required, e.g. flashsale.");
        }

        if (options.PasswordHashIterations < PasswordHash.DefaultIterations && !environment.IsEnvironment("Testing"))
        {
            failures.Add($"{IdentityOptions.Section}:PasswordHashIterations is {options.PasswordHashIterations}; outside tests it is at " +
                         $"least {PasswordHash.DefaultIterations} (OWASP's recommendation for PBKDF2-HMAC-SHA256).");
        }

        if (ValidateSigningKey(options.SigningKey) is { } keyFailure)
        {
            failures.Add(keyFailure);
        }

        failures.AddRange(options.Users
            .Where(user => !PasswordHash.TryParse(user.Value.PasswordHash, out _))
            .Select(user => $"{IdentityOptions.Section}:Users:{user.Key}:PasswordHash is not a valid password hash; " +
                            "produce one with 'dotnet run --project services/identity -- hash-password'."));

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private string? ValidateSigningKey(string? pem)
    {
        if (string.IsNullOrWhiteSpace(pem))
        {
            return IdentityServiceExtensions.IsDemoEnvironment(environment)
                ? null
                : $"{IdentityOptions.Section}:SigningKey is not configured. Provide the RSA private key as PEM " +
                  "(in Kubernetes: a Secret exposed as the environment variable Identity__SigningKey). Only the " +
                  "Development and Testing environments generate a throw-away key.";
        }

        try
        {
            using var rsa = RSA.Create();
            rsa.ImportFromPem(pem);
            return rsa.KeySize >= MinimumKeySize
                ? null
                : $"{IdentityOptions.Section}:SigningKey is a {rsa.KeySize}-bit RSA key; at least {MinimumKeySize} bits are required.";
        }
        catch (Exception ex) when (ex is ArgumentException or CryptographicException)
        {
            return $"{IdentityOptions.Section}:SigningKey is not an RSA private key in PEM format: {ex.Message}";
        }
    }
}
