namespace FlashSale.OrderQuery;

/// <summary>Names the order-query service's assembly, e.g. for <c>WebApplicationFactory&lt;OrderQueryAssemblyMarker&gt;</c>; never instantiated.</summary>
public sealed class OrderQueryAssemblyMarker
{
    private OrderQueryAssemblyMarker()
    {
    }
}
