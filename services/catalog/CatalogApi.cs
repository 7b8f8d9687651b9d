namespace FlashSale.Catalog;

/// <summary>Marks the catalog service's assembly, e.g. for <c>WebApplicationFactory&lt;CatalogApi&gt;</c>.</summary>
public sealed class CatalogApi;
