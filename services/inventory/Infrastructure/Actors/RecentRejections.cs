using FlashSale.Inventory.Domain;
using FlashSale.Inventory.Application;

namespace FlashSale.Inventory.Infrastructure.Actors;

/// <summary>
/// Refused reservations, kept in the actor's memory for a short while instead of in actor state. A refusal changes
/// nothing, so all it needs to survive is the sidecar's retry of the same call (seconds; see
/// <see cref="InventoryOptions.RejectionMemory"/>), which reaches the same activation; client retries are answered by
/// ordering's own idempotency record. Persisting every sold-out refusal would grow the state store by one key per
/// attempt during exactly the storm a flash sale is. If the activation is lost meanwhile, a retry is simply decided
/// afresh, which can only turn a refusal the caller never saw into a reservation it does see.
/// </summary>
internal sealed class RecentRejections(TimeProvider clock, TimeSpan keepFor)
{
    /// <summary>Bounds the memory of a SKU that refuses thousands of orders within <c>keepFor</c>.</summary>
    internal const int Capacity = 10_000;

    private readonly Dictionary<string, Reservation> _byOrder = new(StringComparer.Ordinal);
    private readonly Queue<(string OrderId, DateTimeOffset ForgetAt)> _oldestFirst = new();

    public Reservation? Find(string orderId)
    {
        Prune();
        return _byOrder.GetValueOrDefault(orderId);
    }

    public void Remember(Reservation rejection)
    {
        Prune();
        if (_byOrder.TryAdd(rejection.OrderId, rejection))
        {
            _oldestFirst.Enqueue((rejection.OrderId, clock.GetUtcNow() + keepFor));
        }

        while (_oldestFirst.Count > Capacity)
        {
            _byOrder.Remove(_oldestFirst.Dequeue().OrderId);
        }
    }

    private void Prune()
    {
        var now = clock.GetUtcNow();
        while (_oldestFirst.TryPeek(out var oldest) && oldest.ForgetAt <= now)
        {
            _byOrder.Remove(_oldestFirst.Dequeue().OrderId);
        }
    }
}
