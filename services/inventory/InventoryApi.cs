namespace FlashSale.Inventory;

/// <summary>Marks the inventory service's assembly, e.g. for <c>WebApplicationFactory&lt;InventoryApi&gt;</c>.</summary>
public sealed class InventoryApi
{
    private InventoryApi()
    {
    }
}
