using FlashSale.Catalog.Pricing;
using Grpc.Core;
using PricingClient = FlashSale.Catalog.Pricing.Pricing.PricingClient;

namespace FlashSale.Ordering.Pricing;

/// <summary>
/// Asks catalog's gRPC <c>Pricing.GetQuotes</c>. In a cluster the call goes through the Dapr sidecar (service
/// invocation with gRPC proxying, see <see cref="PricingRegistration"/>); tests hand it any <see cref="CallInvoker"/>.
/// </summary>
internal sealed class GrpcPriceCatalog(PricingClient client, TimeProvider clock) : IPriceCatalog
{
    // A quote is one indexed read in catalog; waiting longer only holds the customer while the sale sells out.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(3);

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
            .ToDictionary(quote => quote.Sku, quote => new PriceQuote(quote.Sku, ToDecimal(quote.UnitPrice), quote.UnitPrice.Currency));
        // A SKU the catalog neither quoted nor listed as unknown cannot be sold either: treat it as unknown.
        var unknown = skus.Where(sku => !quotes.ContainsKey(sku)).ToList();
        return new PriceQuotes(quotes, unknown);
    }

    /// <summary>Money is <c>units + nanos / 1e9</c>, both with the same sign.</summary>
    internal static decimal ToDecimal(Money money) => money.Units + money.Nanos / 1_000_000_000m;
}
