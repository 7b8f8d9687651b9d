namespace FlashSale.Identity.Domain;

/// <summary>The known users. User names are matched case-insensitively; the account keeps its canonical spelling.</summary>
public sealed class UserDirectory
{
    private readonly Dictionary<string, UserAccount> _accounts;

    // Unknown users are checked against this hash, so a failed sign-in costs the same time whether or not the user
    // exists and response timing cannot be used to enumerate accounts. Created on first use: hashing is slow by design.
    private readonly Lazy<PasswordHash> _dummy = new(() => PasswordHash.Create(Guid.NewGuid().ToString()));

    public UserDirectory(IEnumerable<UserAccount> accounts) =>
        _accounts = accounts.ToDictionary(account => account.UserName, StringComparer.OrdinalIgnoreCase);

    /// <summary>The account when the password is right; otherwise <c>null</c>, without saying which part was wrong.</summary>
    public UserAccount? Authenticate(string userName, string password)
    {
        if (_accounts.TryGetValue(userName, out var account))
        {
            return account.PasswordHash.Matches(password) ? account : null;
        }

        _dummy.Value.Matches(password);
        return null;
    }
}
