using FlashSale.Contracts;
using FlashSale.Contracts.Inventory;
using FlashSale.Contracts.Payments;
using FlashSale.ServiceDefaults.Messaging;

namespace FlashSale.Ordering.Api;

public static class OrderingSubscriptions
{
    /// <summary>
    /// The saga's inputs. The other event types of these topics are routed too, only to be acknowledged: the default
    /// route would otherwise dead-letter every stock change as "unknown".
    /// </summary>
    public static WebApplication MapOrderingSubscriptions(this WebApplication app)
    {
        app.MapTopicSubscription(Topics.Payments)
            .On<PaymentSucceeded>()
            .On<PaymentFailed>()
            .On<PaymentRefunded>();
        app.MapTopicSubscription(Topics.Inventory)
            .On<ReservationExpired>()
            .On<StockChanged>()
            .On<SoldOut>();
        app.MapSubscribeHandler();
        return app;
    }
}
