using System.Collections.Concurrent;
using FlashSale.Catalog.Api.Pricing;
using FlashSale.Ordering.Domain;
using Grpc.Core;
using PricingClient = FlashSale.Catalog.Api.Pricing.Pricing.PricingClient;

namespace FlashSale.Ordering.Infrastructure;

/// <summary>A SKU's price now and, while it is on a sale that limits customers, that limit.</summary>
public sealed record PriceQuote(string Sku, decimal UnitPrice, string Currency, SaleLimit? Limit = null);

public sealed record PriceQuotes(IReadOnlyDictionary<string, PriceQuote> BySku, IReadOnlyList<string> UnknownSkus);

/// <summary>The catalog could not be asked (down, slow, unreachable).</summary>
public sealed class CatalogUnavailableException(string message, Exception innerException) : Exception(message, innerException);

/// <summary>
/// Current unit prices from catalog's gRPC <c>Pricing.GetQuotes</c>; ordering never trusts a price sent by the client.
/// In a cluster the call goes through the Dapr sidecar (service invocation with gRPC proxying, see
/// <see cref="PricingRegistration"/>); tests hand the client any <see cref="CallInvoker"/>. A quote is reused for
/// <see cref="QuoteReuse"/> at most, and never past the moment catalog says the price changes next (a sale's start or
/// end), so a hot SKU costs catalog one call per second per ordering replica instead of one per order; an admin's
/// edit of the price reaches new orders within that second.
/// </summary>
internal sealed class PriceCatalog(PricingClient client, TimeProvider clock)
{
    /// <summary>How long a quote may be reused before catalog is asked again.</summary>
    public static readonly TimeSpan QuoteReuse = TimeSpan.FromSeconds(1);

    // A quote is one indexed read in catalog; waiting longer only holds the customer while the sale sells out.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(3);

    private readonly ConcurrentDictionary<string, (PriceQuote Quote, DateTimeOffset Until)> _recent = new(StringComparer.Ordinal);

    /// <exception cref="CatalogUnavailableException">The catalog could not be asked.</exception>
    public async Task<PriceQuotes> GetQuotesAsync(IReadOnlyCollection<string> skus, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var reused = skus.Select(sku => _recent.TryGetValue(sku, out var entry) && entry.Until > now ? entry.Quote : null)
            .OfType<PriceQuote>().ToDictionary(quote => quote.Sku, StringComparer.Ordinal);
        if (reused.Count == skus.Count)
        {
            return new PriceQuotes(reused, []);
        }

        var asked = await AskAsync(skus.Where(sku => !reused.ContainsKey(sku)).ToList(), now, cancellationToken);
        return new PriceQuotes(reused.Concat(asked.BySku).ToDictionary(StringComparer.Ordinal), asked.UnknownSkus);
    }

    private async Task<PriceQuotes> AskAsync(IReadOnlyCollection<string> skus, DateTimeOffset now, CancellationToken cancellationToken)
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
            .ToDictionary(quote => quote.Sku, quote => Remember(quote, now));
        // A SKU the catalog neither quoted nor listed as unknown cannot be sold either: treat it as unknown.
        var unknown = skus.Where(sku => !quotes.ContainsKey(sku)).ToList();
        return new PriceQuotes(quotes, unknown);
    }

    private PriceQuote Remember(Quote quote, DateTimeOffset now)
    {
        var priced = new PriceQuote(quote.Sku, quote.UnitPrice.ToDecimal(), quote.UnitPrice.Currency,
            quote.PerCustomerLimit > 0 ? new SaleLimit(quote.SaleKey, quote.PerCustomerLimit) : null);
        var until = now + QuoteReuse;
        if (quote.ValidUntilUnixMs > 0 && DateTimeOffset.FromUnixTimeMilliseconds(quote.ValidUntilUnixMs) is var change && change < until)
        {
            until = change;
        }

        _recent[quote.Sku] = (priced, until);
        return priced;
    }
}
