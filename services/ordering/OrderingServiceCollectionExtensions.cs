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
        services.AddEventHandler<PaymentRefunded, AcknowledgeOnly<PaymentRefunded>>();
        services.AddEventHandler<StockChanged, AcknowledgeOnly<StockChanged>>();
        services.AddEventHandler<SoldOut, AcknowledgeOnly<SoldOut>>();
        return services;
    }

    /// <summary>
    /// Proxies to inventory's StockActor through the sidecar. JSON serialization because the contract's request and
    /// result types are positional records, which remoting's default DataContract serializer does not support
    /// (dapr/dotnet-sdk#679); inventory must register its actors with the same setting.
    /// </summary>
    private static IServiceCollection AddStockActors(this IServiceCollection services) => services
        .AddSingleton<StockReservations>()
        .AddSingleton<IActorProxyFactory>(_ => new ActorProxyFactory(new ActorProxyOptions
        {
            UseJsonSerialization = true,
            RequestTimeout = TimeSpan.FromSeconds(5),
        }));
}
