using FlashSale.Catalog.Api.Pricing;
using FlashSale.Catalog.Tests.Support;
using Grpc.Core;
using Grpc.Net.Client;

namespace FlashSale.Catalog.Tests.Pricing;

/// <summary>GetQuotes over a real gRPC channel (HTTP/2 through the in-memory server), as ordering calls it.</summary>
public sealed class PricingServiceTests(PricingServiceTests.PricedCatalog catalog) : IClassFixture<PricingServiceTests.PricedCatalog>
{
    private static readonly DateTimeOffset SaleStart = CatalogFactory.Start.AddHours(1);
    private static readonly DateTimeOffset SaleEnd = SaleStart.AddHours(1);

    private CatalogFactory Factory => catalog.Factory;

    private global::FlashSale.Catalog.Api.Pricing.Pricing.PricingClient Client => catalog.Client;

    /// <summary>TEE-1 at 20.00 with a sale at 14.99 in [SaleStart, SaleEnd), and MUG-1 at 9.50, reached over gRPC.</summary>
    public sealed class PricedCatalog : IAsyncLifetime
    {
        private GrpcChannel? _channel;

        public CatalogFactory Factory { get; } = new();

        public global::FlashSale.Catalog.Api.Pricing.Pricing.PricingClient Client { get; private set; } = null!;

        public async ValueTask InitializeAsync()
        {
            var admin = Factory.CreateAdmin();
            await admin.CreateProductAsync("TEE-1", price: 20m);
            await admin.ScheduleSaleAsync("TEE-1", 14.99m, SaleStart, SaleEnd);
            await admin.CreateProductAsync("MUG-1", price: 9.5m);
            _channel = GrpcChannel.ForAddress(Factory.Server.BaseAddress, new GrpcChannelOptions { HttpHandler = Factory.Server.CreateHandler() });
            Client = new(_channel);
        }

        public async ValueTask DisposeAsync()
        {
            _channel?.Dispose();
            await Factory.DisposeAsync();
        }
    }

    [Fact]
    public async Task Quotes_the_regular_price_outside_the_sale_and_the_sale_price_inside()
    {
        var before = await QuoteAsync("TEE-1");
        Factory.Clock.SetUtcNow(SaleStart);
        var during = await QuoteAsync("TEE-1");
        Factory.Clock.SetUtcNow(SaleEnd);
        var after = await QuoteAsync("TEE-1");

        Assert.Equal((20m, false), (before.UnitPrice.ToDecimal(), before.OnSale));
        Assert.Equal((14.99m, true), (during.UnitPrice.ToDecimal(), during.OnSale));
        Assert.Equal((20m, false), (after.UnitPrice.ToDecimal(), after.OnSale));
        Assert.Equal(new Money { Currency = "EUR", Units = 14, Nanos = 990_000_000 }, during.UnitPrice);
        Assert.Equal("Test product", during.Name);
    }

    [Fact]
    public async Task Lists_unknown_skus_apart_from_the_quotes()
    {
        var request = new GetQuotesRequest { Skus = { "MUG-1", "NOPE-1", "TEE-1", "not a sku", "MUG-1" } };

        var response = await Client.GetQuotesAsync(request, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(["MUG-1", "TEE-1"], response.Quotes.Select(quote => quote.Sku));
        Assert.Equal(9.5m, response.Quotes[0].UnitPrice.ToDecimal());
        Assert.Equal(["NOPE-1", "not a sku"], response.UnknownSkus);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(PricingService.MaxSkusPerRequest + 1)]
    public async Task Refuses_no_skus_or_too_many(int count)
    {
        var request = new GetQuotesRequest { Skus = { Enumerable.Range(1, count).Select(i => $"SKU-{i}") } };

        var error = await Assert.ThrowsAsync<RpcException>(async () =>
            await Client.GetQuotesAsync(request, cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
    }

    [Fact]
    public async Task Accepts_the_maximum_number_of_skus()
    {
        var request = new GetQuotesRequest { Skus = { Enumerable.Range(1, PricingService.MaxSkusPerRequest).Select(i => $"SKU-{i}") } };

        var response = await Client.GetQuotesAsync(request, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(PricingService.MaxSkusPerRequest, response.UnknownSkus.Count);
    }

    private async Task<Quote> QuoteAsync(string sku)
    {
        var response = await Client.GetQuotesAsync(new GetQuotesRequest { Skus = { sku } }, cancellationToken: TestContext.Current.CancellationToken);
        return Assert.Single(response.Quotes);
    }
}
