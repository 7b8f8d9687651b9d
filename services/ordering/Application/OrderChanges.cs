using FlashSale.Contracts;
using FlashSale.Contracts.Orders;
using FlashSale.Ordering.Domain;

namespace FlashSale.Ordering.Application;

/// <summary>A new version of an order and the integration events that announce it; saved in one transaction.</summary>
internal sealed record OrderChange(Order Order, IReadOnlyList<IIntegrationEvent> Events)
{
    /// <summary>The stock actors were brought to agree with this version while it was decided, before it was saved.</summary>
    public bool StockSettled { get; init; }
}

/// <summary>The domain's transitions paired with the contract events other services consume.</summary>
internal static class OrderChanges
{
    public static OrderPlaced Placed(Order order) => new(
        order.Id, order.CustomerId,
        order.Lines.Select(line => new Contracts.Orders.OrderLine(line.Sku, line.Quantity, line.UnitPrice)).ToList(),
        order.Total, order.Currency, order.Version, order.PlacedAt);

    public static OrderChange Confirm(Order order, string paymentId, DateTimeOffset at)
    {
        var confirmed = order.Confirm(paymentId, at);
        return new(confirmed, [new OrderConfirmed(confirmed.Id, confirmed.CustomerId, paymentId, confirmed.Version, at)]);
    }

    public static OrderChange Cancel(Order order, string reason, DateTimeOffset at)
    {
        var cancelled = order.Cancel(reason, at);
        return new(cancelled, [new OrderCancelled(cancelled.Id, cancelled.CustomerId, reason, cancelled.Version, at)]);
    }

    public static OrderChange RequestRefund(Order order, string paymentId, decimal amount, string currency, DateTimeOffset at)
    {
        var refunding = order.RequestRefund(paymentId, amount, currency, at);
        return new(refunding, [RefundRequestedOf(refunding, paymentId, amount, currency, at)]);
    }

    /// <summary>
    /// Paid, but the stock is gone (the reservation expired and the units were sold meanwhile): the order is cancelled
    /// and the money goes back, two versions and two events in one save.
    /// </summary>
    public static OrderChange CancelUnfulfillable(Order order, string paymentId, decimal amount, string currency, DateTimeOffset at)
    {
        var cancel = Cancel(order, CancellationReasons.Unfulfillable, at);
        var refunding = cancel.Order.RequestRefund(paymentId, amount, currency, at);
        return new(refunding, [.. cancel.Events, RefundRequestedOf(refunding, paymentId, amount, currency, at)]);
    }

    private static RefundRequested RefundRequestedOf(Order order, string paymentId, decimal amount, string currency, DateTimeOffset at) =>
        new(order.Id, order.CustomerId, paymentId, amount, currency, order.Version, at);
}
