namespace FlashSale.Ordering.Application;

/// <summary>
/// The time limits of an order placement. Several must agree with other services' settings and with the sidecar's
/// resiliency policies; tests/Architecture.Tests/CrossServiceTimingTests.cs computes those relations from
/// components/resiliency.yaml, the components and inventory's options, and fails when a change breaks one.
/// </summary>
public static class PlacementTimeouts
{
    /// <summary>
    /// How long pricing, reserving and saving may take. A save cancelled at the deadline may still be committed by the
    /// sidecar until the state store's own operation timeout (<see cref="StateStoreOperationTimeout"/>).
    /// </summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long ordering waits for one StockActor call. Above the sidecar's whole retry budget for StockActor
    /// (resiliency.yaml: attempts × timeout + back-offs), so ordering never gives up on, and releases, a reserve the
    /// sidecar is still retrying.
    /// </summary>
    public static readonly TimeSpan StockActorCallTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The PostgreSQL state store's default operation timeout (its component's <c>timeout</c> metadata).</summary>
    public static readonly TimeSpan StateStoreOperationTimeout = TimeSpan.FromSeconds(20);

    /// <summary>
    /// After this, an unfinished claim is presumed abandoned (its request crashed) and a retry may take it over. The
    /// claiming request starts its last actor call or save within <see cref="Budget"/>; a reserve then lasts at most
    /// <see cref="StockActorCallTimeout"/> and a cancelled save may still be committed within
    /// <see cref="StateStoreOperationTimeout"/>, so its last effect lands by Budget + the longer of the two; the rest is
    /// room for clock skew between replicas. Correctness does not rest on it: a takeover keeps the order id (so at most
    /// one order can be saved per key) and releases nothing a live request holds.
    /// </summary>
    public static readonly TimeSpan ClaimLease = TimeSpan.FromSeconds(60);

    /// <summary>
    /// How long a takeover keeps the claim's order id. Its reservations were made within <see cref="Budget"/> of the
    /// claim and held for inventory's <c>Inventory:ReservationTimeout</c>, so until then re-reserving under the same id
    /// finds them. After an expiry, a repeated <c>Reserve</c> answers "reserved" (the first call's outcome) while
    /// holding nothing, so an older claim is taken over under a new order id; its request ended long ago. Must stay
    /// below the reservation timeout minus <see cref="Budget"/>.
    /// </summary>
    public static readonly TimeSpan OrderIdReuseLimit = TimeSpan.FromMinutes(5);
}
