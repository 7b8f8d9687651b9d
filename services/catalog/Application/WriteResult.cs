using FlashSale.Catalog.Domain;

namespace FlashSale.Catalog.Application;

/// <summary>How a change to the catalog ended; the API turns each case into its HTTP answer.</summary>
public abstract record WriteResult
{
    private WriteResult()
    {
    }

    /// <summary>
    /// The product as saved. <see cref="ETag"/> is null in the rare case another write followed before it could be
    /// read back: handing out that newer ETag would let the caller overwrite a change it has never seen.
    /// </summary>
    public sealed record Saved(Product Product, long Version, string? ETag) : WriteResult;

    public sealed record Deleted : WriteResult;

    public sealed record Invalid(IDictionary<string, string[]> Errors) : WriteResult;

    public sealed record NotFound(string Detail) : WriteResult
    {
        public static NotFound Product(string sku) => new($"No product with SKU '{sku}'.");
    }

    public sealed record AlreadyExists(string Sku) : WriteResult;

    /// <summary>The product changed since the caller read it (its If-Match no longer matches).</summary>
    public sealed record Stale(string Sku) : WriteResult;
}
