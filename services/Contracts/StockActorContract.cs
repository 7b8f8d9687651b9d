using Dapr.Actors;

namespace FlashSale.Contracts.Inventory;

/// <summary>
/// One actor per SKU (actor id = SKU). Dapr runs one call at a time per actor id, so stock is never oversold. Callers
/// send many orders' requests per call (a batch) so that one turn, one state save, serves them all: a hot SKU's
/// throughput is the batch size over the turn time, not one reservation per turn (docs/adr/0020).
/// </summary>
public interface IStockActor : IActor
{
    /// <summary>
    /// Reserves each item on its own (a refused item does not affect the others). Idempotent by batch id: a repeated
    /// batch (a sidecar retry) returns the first call's outcomes. An item marked <see cref="ReserveItem.MayRepeat"/> is
    /// also idempotent by order id, across batches.
    /// </summary>
    Task<ReserveBatchResult> ReserveAsync(ReserveBatch batch);

    /// <summary>
    /// Makes each order's units sold. A reservation that expired or was released meanwhile is taken again from stock
    /// when units (and the customer's allowance) are there; otherwise that item is not committed.
    /// </summary>
    Task<SettleBatchResult> CommitAsync(SettleBatch batch);

    /// <summary>
    /// Gives each order's units back: a reservation is released, units sold to an order that was cancelled return to
    /// stock. An order the actor does not know gets a marker that refuses its reserve if that arrives later.
    /// </summary>
    Task<SettleBatchResult> ReleaseAsync(SettleBatch batch);

    Task SetStockAsync(int available);

    Task<StockLevels> GetLevelsAsync();
}

/// <summary>One call's reservations; <paramref name="BatchId"/> is unique per call and repeated only by a retry of it.</summary>
public sealed record ReserveBatch(string BatchId, IReadOnlyList<ReserveItem> Items);

/// <summary>
/// Reserve <paramref name="Quantity"/> units for an order. <paramref name="Limit"/>, when the sale has one, caps what
/// <paramref name="CustomerId"/> may hold in it. <paramref name="MayRepeat"/>: the order may have reserved before (a
/// takeover or a retry of the placement), so the actor looks its record up first.
/// </summary>
public sealed record ReserveItem(string OrderId, int Quantity, string? CustomerId = null, CustomerLimit? Limit = null, bool MayRepeat = false);

/// <summary>The most units one customer may hold (reserved or bought) in the sale <paramref name="SaleKey"/>.</summary>
public sealed record CustomerLimit(string SaleKey, int Units);

public enum ReserveOutcome
{
    Reserved,

    /// <summary>Not enough units, or the order was given up (released) before this reserve arrived.</summary>
    SoldOut,

    /// <summary>The customer would hold more than the sale's per-customer limit.</summary>
    CustomerLimit,
}

/// <summary>The outcome of each item, in order, and the SKU's levels after the call.</summary>
public sealed record ReserveBatchResult(IReadOnlyList<ReserveOutcome> Outcomes, StockLevels Levels);

/// <summary>Orders to commit or release. Quantity and customer let a commit take units again after an expiry.</summary>
public sealed record SettleBatch(IReadOnlyList<SettleItem> Items);

public sealed record SettleItem(string OrderId, int Quantity, string? CustomerId = null, CustomerLimit? Limit = null);

/// <summary>Per item: true when the order's units are now sold (commit) or back in stock (release); and the levels.</summary>
public sealed record SettleBatchResult(IReadOnlyList<bool> Settled, StockLevels Levels);

public sealed record StockLevels(string Sku, int Available, int Reserved, int Sold);

/// <remarks>
/// Host and callers use JSON remoting (<c>UseJsonSerialization = true</c> on <c>ActorRuntimeOptions</c> /
/// <c>ActorProxyOptions</c>): the records above have no parameterless constructor, which the default DataContract
/// remoting needs.
/// </remarks>
public static class StockActorType
{
    public const string Name = "StockActor";

    /// <summary>The most items one call carries: bounds a turn's time and what one save writes.</summary>
    public const int MaxBatchSize = 100;
}
