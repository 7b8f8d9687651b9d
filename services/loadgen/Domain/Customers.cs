using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace FlashSale.LoadGen.Domain;

public sealed record Credentials(string UserName, string Password)
{
    /// <summary>The password stays out of logs and reports.</summary>
    public override string ToString() => UserName;

    /// <summary>
    /// Reads <c>name:password</c> lines (blank lines and <c>#</c> comments skipped); the password is everything after
    /// the first colon. Returns the problem of the first bad line instead.
    /// </summary>
    public static (IReadOnlyList<Credentials> Accounts, string? Problem) ParseList(IEnumerable<string> lines)
    {
        var accounts = new List<Credentials>();
        var number = 0;
        foreach (var raw in lines)
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || colon == line.Length - 1)
            {
                return ([], $"line {number} is not 'name:password'");
            }

            accounts.Add(new Credentials(line[..colon], line[(colon + 1)..]));
        }

        return (accounts, null);
    }
}

/// <summary>
/// The customers loadgen signs up for itself: <c>{prefix}-00001</c>, <c>{prefix}-00002</c>… Each one's password is
/// derived from a secret (HMAC-SHA256 of the name), so a rerun with the same prefix and secret signs the same customers
/// in again instead of creating new ones, and nobody without the secret can sign in as them.
/// </summary>
public sealed record GeneratedCustomers(string Prefix, string Secret, int Count)
{
    public IEnumerable<Credentials> All() => Enumerable.Range(1, Count).Select(Of);

    private Credentials Of(int number)
    {
        var name = $"{Prefix}-{number.ToString("D5", CultureInfo.InvariantCulture)}";
        var digest = HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes(name));
        // Letters of both cases, digits and a symbol, 30+ characters: meets any sensible password policy.
        return new Credentials(name, $"Lg-{Convert.ToBase64String(digest).TrimEnd('=').Replace('+', 'x').Replace('/', 'y')}-9a");
    }
}
