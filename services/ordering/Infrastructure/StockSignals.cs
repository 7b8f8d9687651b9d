using System.Collections.Concurrent;
using FlashSale.Contracts.Inventory;

namespace FlashSale.Ordering.Infrastructure;

/// <summary>
/// What this process last heard of each SKU's stock, from the stock actor's answers and from <c>StockChanged</c>: the
/// sold-out fast path (docs/adr/0020). A SKU counts as sold out only when nothing is available and nothing is reserved,
/// so no release or expiry can bring units back (a release this process makes answers with the new levels at once), and only for <see cref="Freshness"/> after that was heard: then one
/// request goes to the actor again, and its answer renews or ends the verdict. Units that come back by other means (an
/// admin's restock, another replica's release of a sold order) are thus seen within that time at worst.
/// </summary>
public sealed class StockSignals(TimeProvider clock)
{
    /// <summary>How long a sold-out verdict is trusted before the actor is asked again.</summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromSeconds(1);

    private readonly ConcurrentDictionary<string, Signal> _latest = new(StringComparer.Ordinal);

    /// <summary>Levels the actor just answered with: the freshest news there is.</summary>
    public void Observe(StockLevels levels) => _latest[levels.Sku] = new Signal(levels.Available, levels.Reserved, clock.GetUtcNow());

    /// <summary>Levels from an event, taken unless something newer was heard since it happened.</summary>
    public void Observe(StockChanged changed) => _latest.AddOrUpdate(changed.Sku,
        _ => new Signal(changed.Available, changed.Reserved, changed.OccurredAt),
        (_, current) => changed.OccurredAt > current.HeardAt ? new Signal(changed.Available, changed.Reserved, changed.OccurredAt) : current);

    public bool IsSoldOut(string sku) =>
        _latest.TryGetValue(sku, out var signal) && signal is { Available: 0, Reserved: 0 } && clock.GetUtcNow() - signal.HeardAt < Freshness;

    private sealed record Signal(int Available, int Reserved, DateTimeOffset HeardAt);
}
