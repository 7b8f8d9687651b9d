using FlashSale.Catalog.Infrastructure;
using Grpc.Core;

namespace FlashSale.Catalog.Api.Pricing;

/// <summary>
/// Quotes effective unit prices for ordering, which calls through Dapr service invocation (gRPC proxying). The
/// quote is for now; ordering fixes the price at the moment it accepts an order.
/// </summary>
public sealed class PricingService(ProductStore store, TimeProvider clock) : Pricing.PricingBase
{
    /// <summary>Bounds one bulk read of the state store; a cart holds far fewer lines.</summary>
    public const int MaxSkusPerRequest = 100;

    public override async Task<GetQuotesResponse> GetQuotes(GetQuotesRequest request, ServerCallContext context)
    {
        if (request.Skus.Count is 0 or > MaxSkusPerRequest)
        {
            throw new RpcException(new Status(StatusCode.InvalidArgument, $"ask for 1 to {MaxSkusPerRequest} SKUs, not {request.Skus.Count}"));
        }

        var skus = request.Skus.Distinct(StringComparer.Ordinal).ToList();
        var products = await store.FindManyAsync(skus, context.CancellationToken);
        var now = clock.GetUtcNow();
        var response = new GetQuotesResponse();
        foreach (var sku in skus)
        {
            if (products.TryGetValue(sku, out var stored))
            {
                var product = stored.Product;
                var onSale = product.IsOnSaleAt(now);
                response.Quotes.Add(new Quote
                {
                    Sku = product.Sku,
                    Name = product.Name,
                    UnitPrice = Money.FromDecimal(product.EffectivePriceAt(now), product.Currency),
                    OnSale = onSale,
                    ValidUntilUnixMs = product.NextPriceChangeAfter(now)?.ToUnixTimeMilliseconds() ?? 0,
                    PerCustomerLimit = onSale ? product.Sale!.PerCustomerLimit ?? 0 : 0,
                    SaleKey = onSale ? product.Sale!.Key : "",
                });
            }
            else
            {
                response.UnknownSkus.Add(sku);
            }
        }

        return response;
    }
}
