using FlashSale.Catalog.Api.Pricing;
using Grpc.Core;
using PricingClient = FlashSale.Catalog.Api.Pricing.Pricing.PricingClient;

namespace FlashSale.Ordering.Infrastructure;

public sealed record PriceQuote(string Sku, decimal UnitPrice, string Currency);

public sealed record PriceQuotes(IReadOnlyDictionary<string, PriceQuote> BySku, IReadOnlyList<string> UnknownSkus);

/// <summary>The catalog could not be asked (down, slow, unreachable).</summary>
public sealed class CatalogUnavailableException(string message, Exception innerException) : Exception(message, innerException);

/// <summary>
/// Current unit prices from catalog's gRPC <c>Pricing.GetQuotes</c>; ordering never trusts a price sent by the client.
/// In a cluster the call goes through the Dapr sidecar (service invocation with gRPC proxying, see
/// <see cref="PricingRegistration"/>); tests hand the client any <see cref="CallInvoker"/>.
/// </summary>
internal sealed class PriceCatalog(PricingClient client, TimeProvider clock)
{
    // A quote is one indexed read in catalog; waiting longer only holds the customer while the sale sells out.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(3);

    /// <exception cref="CatalogUnavailableException">The catalog could not be asked.</exception>
    public async Task<PriceQuotes> GetQuotesAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        GetQuotesResponse response;
        try
        {
            response = await client.GetQuotesAsync(
                new GetQuotesRequest { Skus = { skus } },
                deadline: clock.GetUtcNow().UtcDateTime + Deadline,
                cancellationToken: cancellationToken);
        }
        catch (RpcException ex)
        {
            throw new CatalogUnavailableException($"catalog pricing failed with {ex.StatusCode}", ex);
        }

        var quotes = response.Quotes
            .Where(quote => skus.Contains(quote.Sku))
            .ToDictionary(quote => quote.Sku, quote => new PriceQuote(quote.Sku, quote.UnitPrice.ToDecimal(), quote.UnitPrice.Currency));
        // A SKU the catalog neither quoted nor listed as unknown cannot be sold either: treat it as unknown.
        var unknown = skus.Where(sku => !quotes.ContainsKey(sku)).ToList();
        return new PriceQuotes(quotes, unknown);
    }
}
