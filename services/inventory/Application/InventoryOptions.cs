namespace FlashSale.Inventory.Application;

/// <summary>Configuration section <c>Inventory</c>.</summary>
public sealed class InventoryOptions
{
    public const string Section = "Inventory";

    /// <summary>How long reserved units wait for the order to be paid before they go back to stock.</summary>
    public TimeSpan ReservationTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>
    /// How long a committed, released or expired reservation is remembered before its record is deleted. Late or
    /// repeated calls for the order (sidecar retries, redelivered saga events) must arrive within it to be recognised.
    /// </summary>
    public TimeSpan SettledReservationRetention { get; set; } = TimeSpan.FromHours(1);

    /// <summary>
    /// How long a refusal is remembered (in memory) so that the sidecar's retry of the same reserve gets the same
    /// answer. Above the sidecar's whole retry budget for the actor (resiliency.yaml: attempts × timeout + back-offs;
    /// tests/Architecture.Tests/CrossServiceTimingTests.cs computes it and checks this).
    /// </summary>
    public TimeSpan RejectionMemory { get; set; } = TimeSpan.FromMinutes(1);
}
