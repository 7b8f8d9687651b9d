namespace FlashSale.Inventory;

/// <summary>Configuration section <c>Inventory</c>.</summary>
public sealed class InventoryOptions
{
    public const string Section = "Inventory";

    /// <summary>How long reserved units wait for the order to be paid before they go back to stock.</summary>
    public TimeSpan ReservationTimeout { get; set; } = TimeSpan.FromMinutes(10);
}
