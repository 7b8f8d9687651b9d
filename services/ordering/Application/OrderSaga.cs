using FlashSale.Contracts;
using FlashSale.Contracts.Inventory;
using FlashSale.Contracts.Payments;
using FlashSale.Ordering.Domain;
using FlashSale.Ordering.Infrastructure;
using FlashSale.Messaging;

namespace FlashSale.Ordering.Application;

/// <summary>
/// The order saga's reactions (docs/adr/0007-saga-instead-of-2pc.md). Each reaction first decides and saves the order's
/// new state with its event (one outbox transaction, guarded by the ETag read), then makes the stock actors agree
/// with that state. A redelivered event finds the state already changed, changes nothing, and repeats only the
/// idempotent actor step, which is what heals a crash between the two steps.
/// </summary>
internal sealed class OrderSaga(OrderStore orders, StockReservations stock, TimeProvider clock, ILogger<OrderSaga> logger)
    : IEventHandler<PaymentSucceeded>, IEventHandler<PaymentFailed>, IEventHandler<ReservationExpired>
{
    public const string ReservationExpiredReason = "reservation expired";

    // Money was taken for an order we do not know: dead-letter it for a human rather than forget it.
    public Task<EventOutcome> HandleAsync(PaymentSucceeded payment, EventContext context, CancellationToken cancellationToken) =>
        ReactAsync(payment.OrderId, context, EventOutcome.Drop, order => order.OnPaymentSucceeded(payment.PaymentId) switch
        {
            OrderDecision.Confirm => OrderChanges.Confirm(order, payment.PaymentId, clock.GetUtcNow()),
            OrderDecision.RequestRefund => OrderChanges.RequestRefund(order, payment.PaymentId, payment.Amount, payment.Currency, clock.GetUtcNow()),
            _ => null,
        }, cancellationToken);

    public Task<EventOutcome> HandleAsync(PaymentFailed payment, EventContext context, CancellationToken cancellationToken) =>
        ReactAsync(payment.OrderId, context, EventOutcome.Success, order => order.OnPaymentFailed() == OrderDecision.Cancel
            ? OrderChanges.Cancel(order, $"payment failed: {payment.Reason}", clock.GetUtcNow())
            : null, cancellationToken);

    // An unknown order is expected here: a placement that died after reserving leaves reservations without an order.
    public Task<EventOutcome> HandleAsync(ReservationExpired expired, EventContext context, CancellationToken cancellationToken) =>
        ReactAsync(expired.OrderId, context, EventOutcome.Success, order =>
        {
            if (order.Status == OrderStatus.Confirmed)
            {
                logger.LogError("Confirmed order {OrderId} lost its reservation of {Quantity} x {Sku} before it was committed",
                    order.Id, expired.Quantity, expired.Sku);
            }

            return order.OnReservationExpired() == OrderDecision.Cancel
                ? OrderChanges.Cancel(order, ReservationExpiredReason, clock.GetUtcNow())
                : null;
        }, cancellationToken);

    private async Task<EventOutcome> ReactAsync(
        string orderId, EventContext context, EventOutcome whenUnknown, Func<Order, OrderChange?> decide, CancellationToken cancellationToken)
    {
        if (await orders.FindAsync(orderId, cancellationToken) is not { } stored)
        {
            logger.LogWarning("{EventType} {EventId} is about unknown order {OrderId}", context.Type, context.Id, orderId);
            return whenUnknown;
        }

        var order = stored.Order;
        if (decide(order) is { } change)
        {
            try
            {
                await orders.UpdateAsync(change.Order, stored.ETag, change.Event, cancellationToken);
            }
            catch (OrderConcurrencyException)
            {
                logger.LogInformation("Order {OrderId} changed while handling {EventType} {EventId}; asking Dapr to redeliver",
                    orderId, context.Type, context.Id);
                return EventOutcome.Retry;
            }

            order = change.Order;
        }

        await stock.MatchAsync(order);
        return EventOutcome.Success;
    }
}
