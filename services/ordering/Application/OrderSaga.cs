using FlashSale.Contracts.Inventory;
using FlashSale.Contracts.Payments;
using FlashSale.Messaging;
using FlashSale.Ordering.Domain;
using FlashSale.Ordering.Infrastructure;

namespace FlashSale.Ordering.Application;

/// <summary>
/// The order saga's reactions (docs/adr/0014). Each reaction decides the order's new state and saves it with its events
/// (one outbox transaction, guarded by the ETag read), then makes the stock actors agree with that state. A payment is
/// confirmed only once its units are sold: the units are committed first, and a reservation that expired before the
/// payment arrived is taken again if the units are still there; if they are not, the order is cancelled and refunded
/// (docs/adr/0021). A redelivered event finds the state already changed, changes nothing, and repeats only the
/// idempotent actor step, which is what heals a crash between the two steps. A decision that already moved the stock
/// (a confirmation commits before it is saved) skips that step: it would repeat the same call.
/// </summary>
internal sealed class OrderSaga(OrderStore orders, StockReservations stock, TimeProvider clock, ILogger<OrderSaga> logger)
    : IEventHandler<PaymentSucceeded>, IEventHandler<PaymentFailed>, IEventHandler<ReservationExpired>
{
    // Money was taken for an order we do not know: dead-letter it for a human rather than forget it.
    public Task<EventOutcome> HandleAsync(PaymentSucceeded payment, EventContext context, CancellationToken cancellationToken) =>
        ReactAsync(payment.OrderId, context, EventOutcome.Drop, order => order.OnPaymentSucceeded(payment.PaymentId) switch
        {
            OrderDecision.Confirm => ConfirmIfInStockAsync(order, payment),
            OrderDecision.RequestRefund => Task.FromResult<OrderChange?>(
                OrderChanges.RequestRefund(order, payment.PaymentId, payment.Amount, payment.Currency, clock.GetUtcNow())),
            _ => Task.FromResult<OrderChange?>(null),
        }, cancellationToken);

    public Task<EventOutcome> HandleAsync(PaymentFailed payment, EventContext context, CancellationToken cancellationToken) =>
        ReactAsync(payment.OrderId, context, EventOutcome.Success, order => Task.FromResult(order.OnPaymentFailed() == OrderDecision.Cancel
            ? OrderChanges.Cancel(order, CancellationReasons.PaymentFailed(payment.Reason), clock.GetUtcNow())
            : null), cancellationToken);

    // An unknown order is expected here: a placement that died after reserving leaves reservations without an order.
    // A confirmed order's units were committed before it was confirmed, so its expiry changes nothing.
    public Task<EventOutcome> HandleAsync(ReservationExpired expired, EventContext context, CancellationToken cancellationToken) =>
        ReactAsync(expired.OrderId, context, EventOutcome.Success, order => Task.FromResult(order.OnReservationExpired() == OrderDecision.Cancel
            ? OrderChanges.Cancel(order, CancellationReasons.ReservationExpired, clock.GetUtcNow())
            : null), cancellationToken);

    /// <summary>
    /// Sells the order's units, then confirms it; when some line's units are gone (its reservation expired and the
    /// units were sold to someone else), gives back the lines already sold and cancels and refunds the order.
    /// </summary>
    private async Task<OrderChange?> ConfirmIfInStockAsync(Order order, PaymentSucceeded payment)
    {
        var sold = await stock.CommitAllAsync(order);
        if (sold.All(committed => committed))
        {
            return OrderChanges.Confirm(order, payment.PaymentId, clock.GetUtcNow()) with { StockSettled = true };
        }

        logger.LogWarning("Order {OrderId} was paid after its stock was gone; cancelling and refunding it", order.Id);
        await stock.ReleaseAsync(order, order.Lines.Where((_, line) => sold[line]));
        return OrderChanges.CancelUnfulfillable(order, payment.PaymentId, payment.Amount, payment.Currency, clock.GetUtcNow()) with { StockSettled = true };
    }

    private async Task<EventOutcome> ReactAsync(
        string orderId, EventContext context, EventOutcome whenUnknown, Func<Order, Task<OrderChange?>> decide, CancellationToken cancellationToken)
    {
        if (await orders.FindAsync(orderId, cancellationToken) is not { } stored)
        {
            logger.LogWarning("{EventType} {EventId} is about unknown order {OrderId}", context.Type, context.Id, orderId);
            return whenUnknown;
        }

        var order = stored.Order;
        if (await decide(order) is { } change)
        {
            try
            {
                await orders.UpdateAsync(change.Order, stored.ETag, change.Events, cancellationToken);
            }
            catch (OrderConcurrencyException)
            {
                logger.LogInformation("Order {OrderId} changed while handling {EventType} {EventId}; asking Dapr to redeliver",
                    orderId, context.Type, context.Id);
                return EventOutcome.Retry;
            }

            if (change.StockSettled)
            {
                // A second round trip to a hot SKU's actor would only repeat what the decision just did.
                return EventOutcome.Success;
            }

            order = change.Order;
        }

        await stock.MatchAsync(order);
        return EventOutcome.Success;
    }
}
