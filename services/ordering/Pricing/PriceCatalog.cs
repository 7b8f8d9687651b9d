namespace FlashSale.Ordering.Pricing;

/// <summary>Current unit prices from the catalog. Ordering never trusts a price sent by the client.</summary>
public interface IPriceCatalog
{
    /// <exception cref="CatalogUnavailableException">The catalog could not be asked (down, slow, unreachable).</exception>
    Task<PriceQuotes> GetQuotesAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken);
}

public sealed record PriceQuote(string Sku, decimal UnitPrice, string Currency);

public sealed record PriceQuotes(IReadOnlyDictionary<string, PriceQuote> BySku, IReadOnlyList<string> UnknownSkus);

public sealed class CatalogUnavailableException(string message, Exception innerException) : Exception(message, innerException);
