using Dapr;
using Grpc.Core;

namespace FlashSale.Sidecar;

/// <summary>The state store could not be asked (down, overloaded, unreachable); nothing is known to have changed.</summary>
public sealed class StateStoreUnavailableException(string storeName, Exception innerException)
    : Exception($"The state store '{storeName}' is unavailable", innerException)
{
    public string StoreName { get; } = storeName;
}

/// <summary>
/// The one rule every store follows to tell "another write won" from "the store failed". A conditional write (an ETag
/// compare-and-swap, or an insert-only first write) that loses its race comes back from daprd as <c>Aborted</c> only
/// for a single save or delete; a state transaction reports every failure as <c>Internal</c>, and the Redis component
/// reports a lost insert as a plain error (so <c>Internal</c> too). So: <c>Aborted</c> is a lost race; any other
/// failure is settled by reading the key back - if it changed since the caller read it, the race was lost; otherwise
/// the store is unavailable.
/// </summary>
public static class StateWrites
{
    /// <summary>
    /// Runs <paramref name="write"/>, a state transaction with conditional upserts; true if it won, false if a
    /// concurrent write won (see the class). A store failure becomes <see cref="StateStoreUnavailableException"/>.
    /// <paramref name="changedSince"/> reads the keys back: true if one now exists (for an insert) or carries another
    /// ETag (for an update). A write whose answer was lost after it committed also reads back as changed; callers that
    /// must know look the result up, as they would after a conflict.
    /// </summary>
    public static Task<bool> TryAsync(string storeName, Func<Task> write, Func<Task<bool>> changedSince) =>
        TryAsync(storeName, async () =>
        {
            await write();
            return true;
        }, changedSince);

    /// <summary>
    /// Runs a single conditional save or delete such as <c>TrySaveStateAsync</c>, which answers false itself when it
    /// meets <c>Aborted</c>; any other failure is settled as for a transaction.
    /// </summary>
    public static async Task<bool> TryAsync(string storeName, Func<Task<bool>> write, Func<Task<bool>> changedSince)
    {
        try
        {
            return await write();
        }
        catch (DaprException ex) when (IsLostRace(ex))
        {
            return false;
        }
        catch (DaprException ex)
        {
            bool changed;
            try
            {
                changed = await changedSince();
            }
            catch (Exception readFailure) when (readFailure is DaprException or StateStoreUnavailableException)
            {
                throw new StateStoreUnavailableException(storeName, ex);
            }

            return changed ? false : throw new StateStoreUnavailableException(storeName, ex);
        }
    }

    /// <summary>Runs a read or an unconditional write; a store failure becomes <see cref="StateStoreUnavailableException"/>.</summary>
    public static async Task<T> GuardAsync<T>(string storeName, Func<Task<T>> call)
    {
        try
        {
            return await call();
        }
        catch (DaprException ex)
        {
            throw new StateStoreUnavailableException(storeName, ex);
        }
    }

    /// <summary>Runs an unconditional write or delete that returns nothing; a store failure becomes <see cref="StateStoreUnavailableException"/>.</summary>
    public static Task GuardAsync(string storeName, Func<Task> call) =>
        GuardAsync(storeName, async () =>
        {
            await call();
            return true;
        });

    private static bool IsLostRace(DaprException ex) => ex.InnerException is RpcException { StatusCode: StatusCode.Aborted };
}
