using FlashSale.OrderQuery;
using FlashSale.TestSupport;

namespace FlashSale.OrderQuery.Tests;

/// <summary>The order-query service in memory: events go in through its sidecar routes, views come out of its API.</summary>
public sealed class OrderQueryFactory() : ServiceFactory<OrderQueryAssemblyMarker>("order-query")
{
    public CloudEventPoster CreateSidecar() => new(CreateClient());

    public HttpClient CreateAdmin() => CreateClientAs("admin-1", "admin");
}
