using FlashSale.Contracts.Inventory;

namespace FlashSale.Inventory.Infrastructure.Actors;

/// <summary>
/// Reserve calls that reserved nothing, kept in the actor's memory for a short while instead of in actor state. A
/// refusal changes nothing, so all it needs to survive is the sidecar's retry of the same call (seconds; see
/// <see cref="Application.InventoryOptions.RejectionMemory"/>), which reaches the same activation. Persisting every
/// refused call would grow the state store by one key per attempt during exactly the storm a flash sale is. If the
/// activation is lost meanwhile, a retry is decided afresh, which can only turn a refusal the caller never saw into a
/// reservation it does see.
/// </summary>
internal sealed class RecentCalls(TimeProvider clock, TimeSpan keepFor)
{
    /// <summary>Bounds the memory of a SKU that refuses thousands of calls within <c>keepFor</c>.</summary>
    internal const int Capacity = 10_000;

    private readonly Dictionary<string, ReserveBatchResult> _byCall = new(StringComparer.Ordinal);
    private readonly Queue<(string CallId, DateTimeOffset ForgetAt)> _oldestFirst = new();

    public ReserveBatchResult? Find(string callId)
    {
        Prune();
        return _byCall.GetValueOrDefault(callId);
    }

    public void Remember(string callId, ReserveBatchResult result)
    {
        Prune();
        if (_byCall.TryAdd(callId, result))
        {
            _oldestFirst.Enqueue((callId, clock.GetUtcNow() + keepFor));
        }

        while (_oldestFirst.Count > Capacity)
        {
            _byCall.Remove(_oldestFirst.Dequeue().CallId);
        }
    }

    private void Prune()
    {
        var now = clock.GetUtcNow();
        while (_oldestFirst.TryPeek(out var oldest) && oldest.ForgetAt <= now)
        {
            _byCall.Remove(_oldestFirst.Dequeue().CallId);
        }
    }
}
