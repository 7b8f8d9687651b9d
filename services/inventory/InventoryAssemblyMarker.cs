namespace FlashSale.Inventory;

/// <summary>Names the inventory service's assembly, e.g. for <c>WebApplicationFactory&lt;InventoryAssemblyMarker&gt;</c>; never instantiated.</summary>
public sealed class InventoryAssemblyMarker
{
    private InventoryAssemblyMarker()
    {
    }
}
