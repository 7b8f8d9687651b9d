namespace FlashSale.Inventory.Application;

/// <summary>Configuration section <c>Inventory</c>.</summary>
public sealed class InventoryOptions
{
    public const string Section = "Inventory";

    /// <summary>How long reserved units wait for the order to be paid before they go back to stock.</summary>
    public TimeSpan ReservationTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a reservation is remembered after its batch, before its record is deleted. Late or repeated calls for
    /// the order (sidecar retries, redelivered saga events) must arrive within it to be recognised.
    /// </summary>
    public TimeSpan SettledReservationRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long the outcome of a reserve call that reserved nothing is remembered (in memory), so that the sidecar's
    /// retry of the same call gets the same answer. Above the sidecar's whole retry budget for the actor
    /// (resiliency.yaml: attempts × timeout + back-offs; tests/Architecture.Tests/CrossServiceTimingTests.cs computes
    /// it and checks this). A call that reserved something is recorded in actor state instead.
    /// </summary>
    public TimeSpan RejectionMemory { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How often a SKU with reservations sweeps: expires what is due, forgets what is old, retries its outbox.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The shortest time between two <c>StockChanged</c> of one SKU; only the newest figures of a burst go out.</summary>
    public TimeSpan StockChangeInterval { get; set; } = TimeSpan.FromMilliseconds(50);
}
