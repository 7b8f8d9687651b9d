namespace FlashSale.Catalog;

/// <summary>Names the catalog service's assembly, e.g. for <c>WebApplicationFactory&lt;CatalogAssemblyMarker&gt;</c>; never instantiated.</summary>
public sealed class CatalogAssemblyMarker
{
    private CatalogAssemblyMarker()
    {
    }
}
