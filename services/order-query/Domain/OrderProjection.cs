using FlashSale.Contracts.Inventory;
using FlashSale.Contracts.Orders;
using FlashSale.Contracts.Payments;

namespace FlashSale.OrderQuery.Domain;

/// <summary>
/// Applies events to an order view. Pure functions: each returns the new view, or null when the event changes nothing
/// (a duplicate), so the caller writes only real changes. Any arrival order converges to the same view.
/// </summary>
public static class OrderProjection
{
    public static OrderView? Apply(OrderView? view, OrderPlaced placed) =>
        ApplyOrderEvent(view, placed.OrderId, placed.CustomerId, placed.Version, placed.OccurredAt, OrderStatus.AwaitingPayment,
            current => current with
            {
                Lines = placed.Lines.Select(line => new OrderLineView(line.Sku, line.Quantity, line.UnitPrice)).ToList(),
                Total = placed.Total,
                Currency = placed.Currency,
                PlacedAt = placed.OccurredAt,
            });

    public static OrderView? Apply(OrderView? view, OrderConfirmed confirmed) =>
        ApplyOrderEvent(view, confirmed.OrderId, confirmed.CustomerId, confirmed.Version, confirmed.OccurredAt, OrderStatus.Confirmed,
            current => current with
            {
                ConfirmedAt = confirmed.OccurredAt,
                Payment = current.Payment with { PaymentId = current.Payment.PaymentId ?? confirmed.PaymentId },
            });

    public static OrderView? Apply(OrderView? view, OrderCancelled cancelled) =>
        ApplyOrderEvent(view, cancelled.OrderId, cancelled.CustomerId, cancelled.Version, cancelled.OccurredAt, OrderStatus.Cancelled,
            current => current with { CancelledAt = cancelled.OccurredAt, CancellationReason = cancelled.Reason });

    /// <summary>A refund request is an order transition (it has a version) that leaves the status as it was.</summary>
    public static OrderView? Apply(OrderView? view, RefundRequested requested) =>
        ApplyOrderEvent(view, requested.OrderId, requested.CustomerId, requested.Version, requested.OccurredAt, status: null,
            current => current with { RefundRequestedAt = requested.OccurredAt });

    public static OrderView? Apply(OrderView? view, PaymentSucceeded succeeded) =>
        ApplyFact(view, succeeded.OrderId, succeeded.OccurredAt, current => current.Payment.PaidAt is not null, current => current with
        {
            Payment = current.Payment.Advance(PaymentStatus.Succeeded) with
            {
                PaymentId = succeeded.PaymentId,
                Amount = succeeded.Amount,
                Currency = succeeded.Currency,
                PaidAt = succeeded.OccurredAt,
            },
        });

    public static OrderView? Apply(OrderView? view, PaymentFailed failed) =>
        ApplyFact(view, failed.OrderId, failed.OccurredAt, current => current.Payment.FailedAt is not null, current => current with
        {
            Payment = current.Payment.Advance(PaymentStatus.Failed) with { FailureReason = failed.Reason, FailedAt = failed.OccurredAt },
        });

    public static OrderView? Apply(OrderView? view, PaymentRefunded refunded) =>
        ApplyFact(view, refunded.OrderId, refunded.OccurredAt, current => current.Payment.RefundedAt is not null, current => current with
        {
            Payment = current.Payment.Advance(PaymentStatus.Refunded) with
            {
                PaymentId = current.Payment.PaymentId ?? refunded.PaymentId,
                Amount = current.Payment.Amount ?? refunded.Amount,
                Currency = current.Payment.Currency ?? refunded.Currency,
                RefundedAt = refunded.OccurredAt,
            },
        });

    public static OrderView? Apply(OrderView? view, ReservationExpired expired) =>
        ApplyFact(view, expired.OrderId, expired.OccurredAt, current => current.ExpiredReservations.ContainsKey(expired.Sku), current => current with
        {
            ExpiredReservations = new Dictionary<string, int>(current.ExpiredReservations) { [expired.Sku] = expired.Quantity },
        });

    /// <summary>
    /// An event that records a fact beside the order's own versioned transitions (a payment outcome, an expiry): applied
    /// once, recognised as a duplicate by the fact itself.
    /// </summary>
    private static OrderView? ApplyFact(
        OrderView? view, string orderId, DateTimeOffset occurredAt, Func<OrderView, bool> alreadyApplied, Func<OrderView, OrderView> record)
    {
        var current = view ?? Unseen(orderId, occurredAt);
        return alreadyApplied(current) ? null : Touch(record(current), occurredAt);
    }

    private static OrderView? ApplyOrderEvent(
        OrderView? view, string orderId, string customerId, long version, DateTimeOffset occurredAt, OrderStatus? status,
        Func<OrderView, OrderView> addFacts)
    {
        var current = view ?? Unseen(orderId, occurredAt);
        if (current.AppliedVersions.Contains(version))
        {
            return null;
        }

        var next = addFacts(current) with
        {
            CustomerId = customerId,
            AppliedVersions = [.. current.AppliedVersions.Append(version).Order()],
        };
        if (status is not null && version > current.StatusVersion)
        {
            next = next with { Status = status, StatusVersion = version };
        }

        return Touch(next, occurredAt);
    }

    /// <summary>A view for an order the first of whose events just arrived, whichever event that is.</summary>
    private static OrderView Unseen(string orderId, DateTimeOffset occurredAt) =>
        new() { OrderId = orderId, FirstEventAt = occurredAt, LastEventAt = occurredAt };

    private static OrderView Touch(OrderView view, DateTimeOffset occurredAt) => view with
    {
        Revision = view.Revision + 1,
        FirstEventAt = occurredAt < view.FirstEventAt ? occurredAt : view.FirstEventAt,
        LastEventAt = occurredAt > view.LastEventAt ? occurredAt : view.LastEventAt,
    };
}
