using FlashSale.Catalog.Domain;

namespace FlashSale.Catalog.Infrastructure;

/// <summary>
/// What catalog-store holds under a SKU's key. <see cref="Version"/> grows with every change and is carried by every
/// event about the SKU. Deleting leaves a tombstone (<see cref="Product"/> null) so the version keeps growing when the
/// SKU is created again: subscribers use it to ignore events older than what they already have.
/// </summary>
public sealed record ProductDocument(long Version, Product? Product);

/// <summary>A live product as read from the store, with the store's ETag (also the HTTP ETag) and its version.</summary>
public sealed record StoredProduct(Product Product, long Version, string ETag);

/// <summary>One page of the catalog, in SKU order, and how many products there are in all.</summary>
public sealed record ProductPage(IReadOnlyList<StoredProduct> Items, int TotalCount);

/// <summary>
/// The SKUs of all live products in ordinal order. A Dapr state store cannot list or query its keys portably, so
/// listing pages through this document; it is kept small (SKUs only) and changes only on create and delete.
/// </summary>
public sealed record SkuIndex(IReadOnlyList<string> Skus)
{
    public static SkuIndex Empty { get; } = new([]);

    public SkuIndex With(string sku) =>
        Skus.Contains(sku, StringComparer.Ordinal) ? this : new(Skus.Append(sku).Order(StringComparer.Ordinal).ToList());

    public SkuIndex Without(string sku) => new(Skus.Where(existing => existing != sku).ToList());
}
