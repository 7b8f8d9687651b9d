using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace FlashSale.Identity.Domain;

/// <summary>
/// A salted PBKDF2-HMAC-SHA256 password hash in a self-describing text form:
/// <c>pbkdf2-sha256:&lt;iterations&gt;:&lt;base64 salt&gt;:&lt;base64 hash&gt;</c>. The iteration count travels with the
/// hash, so raising <see cref="DefaultIterations"/> later does not invalidate stored hashes. Colons rather than the
/// PHC-style <c>$</c> keep the value intact in shells, YAML and Compose files, which would interpolate <c>$</c>.
/// </summary>
public sealed class PasswordHash
{
    /// <summary>OWASP's 2023 recommendation for PBKDF2-HMAC-SHA256.</summary>
    public const int DefaultIterations = 600_000;

    private const string Algorithm = "pbkdf2-sha256";
    private const int SaltSize = 16;
    private const int HashSize = 32;

    private readonly byte[] _salt;
    private readonly byte[] _hash;

    private PasswordHash(int iterations, byte[] salt, byte[] hash)
    {
        Iterations = iterations;
        _salt = salt;
        _hash = hash;
    }

    public int Iterations { get; }

    public static PasswordHash Create(string password, int iterations = DefaultIterations)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(iterations);
        var salt = RandomNumberGenerator.GetBytes(SaltSize);
        return new PasswordHash(iterations, salt, Derive(password, salt, iterations, HashSize));
    }

    public static bool TryParse(string? encoded, [NotNullWhen(true)] out PasswordHash? hash)
    {
        hash = null;
        var parts = encoded?.Split(':');
        if (parts is not [Algorithm, var iterationText, var saltText, var hashText]
            || !int.TryParse(iterationText, System.Globalization.NumberStyles.None, null, out var iterations)
            || iterations <= 0)
        {
            return false;
        }

        try
        {
            var salt = Convert.FromBase64String(saltText);
            var derived = Convert.FromBase64String(hashText);
            if (salt.Length == 0 || derived.Length == 0)
            {
                return false;
            }

            hash = new PasswordHash(iterations, salt, derived);
            return true;
        }
        catch (FormatException)
        {
            return false;
        }
    }

    public static PasswordHash Parse(string encoded) =>
        TryParse(encoded, out var hash) ? hash : throw new FormatException($"not a {Algorithm} password hash");

    /// <summary>Constant-time comparison, so the answer's timing does not reveal how much of the hash matched.</summary>
    public bool Matches(string password) =>
        CryptographicOperations.FixedTimeEquals(Derive(password, _salt, Iterations, _hash.Length), _hash);

    public override string ToString() =>
        $"{Algorithm}:{Iterations}:{Convert.ToBase64String(_salt)}:{Convert.ToBase64String(_hash)}";

    private static byte[] Derive(string password, byte[] salt, int iterations, int length) =>
        Rfc2898DeriveBytes.Pbkdf2(password, salt, iterations, HashAlgorithmName.SHA256, length);
}
