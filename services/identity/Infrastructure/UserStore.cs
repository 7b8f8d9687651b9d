using Dapr.Client;
using FlashSale.Identity.Domain;
using FlashSale.Sidecar;

namespace FlashSale.Identity.Infrastructure;

/// <summary>A registered customer as <c>identity-store</c> holds it: the password only as its hash.</summary>
internal sealed record StoredUser(string UserName, string PasswordHash, IReadOnlyList<string> Roles, DateTimeOffset RegisteredAt);

/// <summary>
/// Customers who signed up, in identity's own Dapr state store, one key per name (lower-cased, so names are unique
/// whatever their case). Writes are insert-only: two sign-ups racing for one name cannot both win.
/// </summary>
public sealed class UserStore(DaprClient dapr)
{
    public const string StoreName = "identity-store";

    private static readonly StateOptions InsertOnly = new() { Concurrency = ConcurrencyMode.FirstWrite, Consistency = ConsistencyMode.Strong };

    public async Task<UserAccount?> FindAsync(string userName, CancellationToken cancellationToken)
    {
        var stored = await StateWrites.GuardAsync(StoreName, () =>
            dapr.GetStateAsync<StoredUser?>(StoreName, Key(userName), ConsistencyMode.Strong, cancellationToken: cancellationToken));
        return stored is null ? null : new UserAccount(stored.UserName, Domain.PasswordHash.Parse(stored.PasswordHash), stored.Roles);
    }

    /// <summary>Stores the new account; false if the name was taken first.</summary>
    public Task<bool> TryInsertAsync(UserAccount account, DateTimeOffset registeredAt, CancellationToken cancellationToken) =>
        StateWrites.TryAsync(StoreName,
            () => dapr.TrySaveStateAsync(StoreName, Key(account.UserName),
                new StoredUser(account.UserName, account.PasswordHash.ToString(), account.Roles, registeredAt),
                etag: string.Empty, InsertOnly, cancellationToken: cancellationToken),
            async () => await FindAsync(account.UserName, cancellationToken) is not null);

    private static string Key(string userName) => $"user-{userName.ToLowerInvariant()}";
}
