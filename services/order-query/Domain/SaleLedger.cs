using System.Text;

namespace FlashSale.OrderQuery.Domain;

/// <summary>The latest contribution of one order, stamped with the order view's revision it was taken from.</summary>
public sealed record LedgerEntry(long Revision, SkuContribution Contribution);

/// <summary>
/// One shard of a SKU's sale ledger: the contributions of the orders whose id hashes to it, recorded since the shard last
/// moved its entries to an archive (listed in the shard's <see cref="ArchiveDirectory"/>).
/// </summary>
public sealed record SaleLedgerShard(string Sku, int Shard, IReadOnlyDictionary<string, LedgerEntry> Orders)
{
    /// <summary>
    /// Archives listed in the shard itself, as ADR 0026's layout did: still read, so a store written by it keeps its
    /// figures, and carried over by every write, but never added to (ADR 0030 lists new archives in the directory).
    /// </summary>
    public IReadOnlyList<string> Archives { get; init; } = [];
}

/// <summary>Entries a ledger shard moved out once it held <see cref="SaleLedger.EntriesPerArchive"/> of them; never written again.</summary>
public sealed record SaleLedgerArchive(string Sku, IReadOnlyDictionary<string, LedgerEntry> Orders);

/// <summary>A SKU's sale figures summed over its ledger.</summary>
public sealed record SaleTotals(
    int UnitsSold, IReadOnlyDictionary<string, decimal> Revenue, int ConfirmedOrders, int CancelledOrders, int ExpiredUnits);

/// <summary>
/// Dashboard counters, exactly once per order transition. The read store cannot update an order view and a counter
/// atomically, so instead of incrementing counters the ledger keeps each order's latest contribution per SKU and the
/// dashboard sums them: recording the same contribution again changes nothing, a newer one replaces the older, and a
/// stale one (lower revision) is ignored. Sharding by order id spreads a hot SKU's writes over several keys.
/// <para>
/// A shard that holds <see cref="EntriesPerArchive"/> orders moves them to an archive document, so what one write of a
/// shard carries does not grow with the sale (ADR 0026). The totals take each order's newest entry over the shards and
/// their archives, so an order recorded again after its entry was archived (a redelivery, a later transition), or whose
/// entry is in an archive and still in the shard (a move that lost its race after listing the archive), counts once.
/// </para>
/// </summary>
public static class SaleLedger
{
    public const int ShardCount = 32;

    public const int EntriesPerArchive = 32;

    /// <summary>A stable shard (FNV-1a of the order id): the same order always lands in the same shard.</summary>
    public static int ShardOf(string orderId)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(orderId))
        {
            hash = (hash ^ b) * 16777619u;
        }

        return (int)(hash % ShardCount);
    }

    /// <summary>The shard with the order's contribution recorded, or null when it already holds this or a newer one.</summary>
    public static SaleLedgerShard? Record(SaleLedgerShard? shard, string orderId, long revision, SkuContribution contribution)
    {
        var current = shard ?? new SaleLedgerShard(contribution.Sku, ShardOf(orderId), new Dictionary<string, LedgerEntry>());
        var recorded = current.Orders.GetValueOrDefault(orderId);
        if (recorded is not null ? recorded.Revision >= revision : contribution.IsNothing)
        {
            return null;
        }

        return current with
        {
            Orders = new Dictionary<string, LedgerEntry>(current.Orders) { [orderId] = new LedgerEntry(revision, contribution) },
        };
    }

    public static bool IsDueForArchiving(SaleLedgerShard shard) => shard.Orders.Count >= EntriesPerArchive;

    /// <summary>The shard once its entries are in an archive.</summary>
    public static SaleLedgerShard Archived(SaleLedgerShard shard) => shard with { Orders = new Dictionary<string, LedgerEntry>() };

    /// <summary>The totals of every entry recorded in a SKU's shards and archives.</summary>
    public static SaleTotals Totals(IEnumerable<IReadOnlyDictionary<string, LedgerEntry>> recorded)
    {
        // Newest entry per order: an order may appear in a shard and its archives, or in two shards after ShardCount changed.
        var contributions = recorded
            .SelectMany(orders => orders)
            .GroupBy(entry => entry.Key, entry => entry.Value)
            .Select(entries => entries.MaxBy(entry => entry.Revision)!.Contribution)
            .ToList();
        return new SaleTotals(
            contributions.Sum(c => c.UnitsSold),
            contributions.Where(c => c is { Revenue: not 0, Currency: not null })
                .GroupBy(c => c.Currency!)
                .ToDictionary(byCurrency => byCurrency.Key, byCurrency => byCurrency.Sum(c => c.Revenue)),
            contributions.Sum(c => c.ConfirmedOrders),
            contributions.Sum(c => c.CancelledOrders),
            contributions.Sum(c => c.ExpiredUnits));
    }
}
