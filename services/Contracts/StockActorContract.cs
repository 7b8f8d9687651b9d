using Dapr.Actors;

namespace FlashSale.Contracts.Inventory;

/// <summary>One actor per SKU (actor id = SKU). Dapr runs one call at a time per actor id, so stock is never oversold.</summary>
public interface IStockActor : IActor
{
    /// <summary>Idempotent by order id: a repeated call returns the first call's outcome.</summary>
    Task<ReservationResult> ReserveAsync(ReserveRequest request);

    /// <summary>Makes the order's reservation final (sold). Unknown or already committed ids are a no-op.</summary>
    Task CommitAsync(string orderId);

    /// <summary>Returns the order's reserved units to stock. Unknown or already released ids are a no-op.</summary>
    Task ReleaseAsync(string orderId);

    Task SetStockAsync(int available);

    Task<StockLevels> GetLevelsAsync();
}

public sealed record ReserveRequest(string OrderId, int Quantity);

public sealed record ReservationResult(bool Reserved, int Available);

public sealed record StockLevels(string Sku, int Available, int Reserved, int Sold);

/// <remarks>
/// Host and callers use JSON remoting (<c>UseJsonSerialization = true</c> on <c>ActorRuntimeOptions</c> /
/// <c>ActorProxyOptions</c>): the records above have no parameterless constructor, which the default DataContract
/// remoting needs.
/// </remarks>
public static class StockActorType
{
    public const string Name = "StockActor";
}
