using Dapr;
using Dapr.Actors.Client;
using FlashSale.Contracts.Inventory;
using FlashSale.Contracts.Payments;
using FlashSale.Ordering.Application;
using FlashSale.Ordering.Inventory;
using FlashSale.Ordering.Pricing;
using FlashSale.Ordering.Storage;
using FlashSale.ServiceDefaults.Messaging;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlashSale.Ordering;

public static class OrderingServiceCollectionExtensions
{
    public static IServiceCollection AddOrdering(this IServiceCollection services)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddCatalogPricing();
        services.AddStockActors();
        services.AddSingleton<OrderStore>();
        services.AddSingleton<IdempotencyStore>();
        services.AddSingleton<OrderPlacement>();
        services.AddSingleton<OrderCancellation>();

        services.AddEventHandler<PaymentSucceeded, OrderSaga>();
        services.AddEventHandler<PaymentFailed, OrderSaga>();
        services.AddEventHandler<ReservationExpired, OrderSaga>();
        return services;
    }

    /// <summary>
    /// Proxies to inventory's StockActor through the sidecar. JSON serialization because the contract's request and
    /// result types are positional records, which remoting's default DataContract serializer does not support
    /// (dapr/dotnet-sdk#679); inventory must register its actors with the same setting. The sidecar's address comes
    /// from configuration first (DAPR_HTTP_ENDPOINT / DAPR_HTTP_PORT), like AddActors does, not only the environment.
    /// </summary>
    private static IServiceCollection AddStockActors(this IServiceCollection services) => services
        .AddSingleton<StockReservations>()
        .AddSingleton<IActorProxyFactory>(provider => new ActorProxyFactory(new ActorProxyOptions
        {
            HttpEndpoint = DaprDefaults.GetDefaultHttpEndpoint(provider.GetRequiredService<IConfiguration>()),
            UseJsonSerialization = true,
            // Above the sidecar's whole retry budget for StockActor (resiliency.yaml: 4 attempts × 5 s timeout + 3 back-offs
            // ≤ 2 s = 26 s), so ordering never gives up on, and releases, a reserve the sidecar is still retrying.
            RequestTimeout = TimeSpan.FromSeconds(30),
        }));
}
