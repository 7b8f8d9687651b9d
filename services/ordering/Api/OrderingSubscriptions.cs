using FlashSale.Contracts;
using FlashSale.Contracts.Inventory;
using FlashSale.Contracts.Payments;
using FlashSale.Messaging;
using FlashSale.Ordering.Application;

namespace FlashSale.Ordering.Api;

public static class OrderingSubscriptions
{
    /// <summary>
    /// The saga's inputs, and the stock figures that feed the sold-out fast path. The other event types of these topics
    /// are acknowledged (Ignore), not left to the default route, which would dead-letter them as "unknown".
    /// </summary>
    public static IServiceCollection AddOrderingSubscriptions(this IServiceCollection services)
    {
        services.AddTopicSubscription(Topics.Payments)
            .On<PaymentSucceeded, OrderSaga>()
            .On<PaymentFailed, OrderSaga>()
            .Ignore<PaymentRefunded>();
        services.AddTopicSubscription(Topics.Inventory)
            .On<ReservationExpired, OrderSaga>()
            .On<StockChanged, StockSignalHandler>()
            .Ignore<SoldOut>();
        return services;
    }
}
