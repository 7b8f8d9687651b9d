using FlashSale.Identity.Domain;
using FlashSale.Identity.Infrastructure;
using FlashSale.ServiceDefaults;
using Microsoft.Extensions.Options;

namespace FlashSale.Identity.Application;

/// <summary>How a sign-up ended.</summary>
public abstract record SignUpResult
{
    public sealed record Registered(UserAccount Account) : SignUpResult;

    public sealed record Invalid(Dictionary<string, string[]> Errors) : SignUpResult;

    public sealed record NameTaken(string UserName) : SignUpResult;
}

/// <summary>
/// Everyone who may sign in: the configured users (seeds such as admin, from <c>Identity:Users</c>) and the customers
/// who signed up (<see cref="UserStore"/>). Names are matched case-insensitively; an account keeps its spelling.
/// </summary>
public sealed class UserDirectory
{
    private readonly Dictionary<string, UserAccount> _seeds;
    private readonly UserStore _store;
    private readonly TimeProvider _clock;
    private readonly int _iterations;

    // Unknown users are checked against this hash, so a failed sign-in costs the same time whether or not the user
    // exists and response timing cannot be used to enumerate accounts. Created on first use: hashing is slow by design.
    private readonly Lazy<PasswordHash> _dummy;

    public UserDirectory(IOptions<IdentityOptions> options, UserStore store, TimeProvider clock)
    {
        _seeds = options.Value.Users.ToDictionary(
            user => user.Key, user => new UserAccount(user.Key, PasswordHash.Parse(user.Value.PasswordHash), user.Value.Roles),
            StringComparer.OrdinalIgnoreCase);
        _store = store;
        _clock = clock;
        _iterations = options.Value.PasswordHashIterations;
        _dummy = new(() => PasswordHash.Create(Guid.NewGuid().ToString(), _iterations));
    }

    /// <summary>The account when the password is right; otherwise <c>null</c>, without saying which part was wrong.</summary>
    public async Task<UserAccount?> AuthenticateAsync(string userName, string password, CancellationToken cancellationToken)
    {
        var account = _seeds.GetValueOrDefault(userName) ?? await _store.FindAsync(userName, cancellationToken);
        if (account is null)
        {
            _dummy.Value.Matches(password);
            return null;
        }

        return account.PasswordHash.Matches(password) ? account : null;
    }

    /// <summary>
    /// Creates a customer. Nothing is stored unless the name and password pass <see cref="SignUpRules"/> and the name is
    /// free; the name is looked up before the (deliberately slow) hashing, and the insert-only write settles a race.
    /// </summary>
    public async Task<SignUpResult> RegisterAsync(string? userName, string? password, CancellationToken cancellationToken)
    {
        if (SignUpRules.Check(userName, password) is { Count: > 0 } errors)
        {
            return new SignUpResult.Invalid(errors);
        }

        if (_seeds.ContainsKey(userName!) || await _store.FindAsync(userName!, cancellationToken) is not null)
        {
            return new SignUpResult.NameTaken(userName!);
        }

        var account = new UserAccount(userName!, PasswordHash.Create(password!, _iterations), [Roles.Customer]);
        return await _store.TryInsertAsync(account, _clock.GetUtcNow(), cancellationToken)
            ? new SignUpResult.Registered(account)
            : new SignUpResult.NameTaken(userName!);
    }
}
