using FlashSale.Ordering.Domain;
using FlashSale.Ordering.Infrastructure;

namespace FlashSale.Ordering.Application;

/// <summary>Who is asking, for the rule "owner or admin; anyone else must not learn the order exists".</summary>
internal sealed record Requester(string UserId, bool IsAdmin)
{
    public bool MaySee(Order order) => IsAdmin || order.IsOwnedBy(UserId);
}

internal abstract record CancellationResult
{
    public sealed record Cancelled(Order Order) : CancellationResult;

    public sealed record NotFound : CancellationResult;

    public sealed record NotCancellable(Order Order) : CancellationResult;
}

/// <summary>Cancels an unpaid order on request of its owner (or an admin) and gives its stock back.</summary>
internal sealed class OrderCancellation(OrderStore orders, StockReservations stock, TimeProvider clock)
{
    // A conflict means a payment event changed the order meanwhile; re-reading settles whether it can still be cancelled.
    private const int MaxAttempts = 3;

    public async Task<CancellationResult> CancelAsync(string orderId, Requester requester, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var stored = await orders.FindAsync(orderId, cancellationToken);
            if (stored is null || !requester.MaySee(stored.Order))
            {
                return new CancellationResult.NotFound();
            }

            if (!OrderStateMachine.CanTransition(stored.Order.Status, OrderStatus.Cancelled))
            {
                return new CancellationResult.NotCancellable(stored.Order);
            }

            var reason = stored.Order.IsOwnedBy(requester.UserId) ? CancellationReasons.ByCustomer : CancellationReasons.ByAdministrator;
            var change = OrderChanges.Cancel(stored.Order, reason, clock.GetUtcNow());
            try
            {
                await orders.UpdateAsync(change.Order, stored.ETag, change.Events, cancellationToken);
            }
            catch (OrderConcurrencyException) when (attempt < MaxAttempts)
            {
                continue;
            }

            // The cancellation stands even if an actor is unreachable now: an unreleased reservation expires on its own.
            await stock.ReleaseBestEffortAsync(change.Order.Id, change.Order.Lines.Select(line => line.Sku));
            return new CancellationResult.Cancelled(change.Order);
        }
    }
}
