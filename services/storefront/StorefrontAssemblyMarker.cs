namespace FlashSale.Storefront;

/// <summary>Names the storefront's assembly, e.g. for <c>WebApplicationFactory&lt;StorefrontAssemblyMarker&gt;</c>; never instantiated.</summary>
public sealed class StorefrontAssemblyMarker
{
    private StorefrontAssemblyMarker()
    {
    }
}
