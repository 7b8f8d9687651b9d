using FlashSale.Contracts;
using FlashSale.Contracts.Inventory;
using FlashSale.Contracts.Payments;
using FlashSale.ServiceDefaults.Messaging;

namespace FlashSale.Ordering.Api;

public static class OrderingSubscriptions
{
    /// <summary>
    /// The saga's inputs. The other event types of these topics are acknowledged (Ignore), not left to the default
    /// route, which would dead-letter every stock change as "unknown".
    /// </summary>
    public static WebApplication MapOrderingSubscriptions(this WebApplication app)
    {
        app.MapTopicSubscription(Topics.Payments)
            .On<PaymentSucceeded>()
            .On<PaymentFailed>()
            .Ignore<PaymentRefunded>();
        app.MapTopicSubscription(Topics.Inventory)
            .On<ReservationExpired>()
            .Ignore<StockChanged>()
            .Ignore<SoldOut>();
        app.MapSubscribeHandler();
        return app;
    }
}
