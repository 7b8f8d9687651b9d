using FlashSale.Contracts;
using FlashSale.Contracts.Orders;
using FlashSale.Messaging;
using FlashSale.Payment.Application;

namespace FlashSale.Payment.Api;

public static class PaymentSubscriptions
{
    /// <summary>
    /// The <c>orders</c> subscription: placed orders are charged, refund requests refunded; the order's other
    /// transitions are acknowledged (known, not needed here) while unknown types are dead-lettered.
    /// </summary>
    public static IServiceCollection AddPaymentSubscriptions(this IServiceCollection services)
    {
        services.AddTopicSubscription(Topics.Orders)
            .On<OrderPlaced, PaymentProcessor>()
            .On<RefundRequested, PaymentProcessor>()
            .Ignore<OrderConfirmed>()
            .Ignore<OrderCancelled>();
        return services;
    }
}
