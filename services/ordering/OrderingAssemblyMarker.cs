namespace FlashSale.Ordering;

/// <summary>Names the ordering service's assembly, e.g. for <c>WebApplicationFactory&lt;OrderingAssemblyMarker&gt;</c>; never instantiated.</summary>
public sealed class OrderingAssemblyMarker
{
    private OrderingAssemblyMarker()
    {
    }
}
