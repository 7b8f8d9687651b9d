using FlashSale.Contracts;
using FlashSale.Contracts.Orders;
using FlashSale.Ordering.Domain;

namespace FlashSale.Ordering.Application;

/// <summary>A new version of an order and the integration event that announces it; saved in one transaction.</summary>
internal sealed record OrderChange(Order Order, IIntegrationEvent Event);

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
        return new(confirmed, new OrderConfirmed(confirmed.Id, confirmed.CustomerId, paymentId, confirmed.Version, at));
    }

    public static OrderChange Cancel(Order order, string reason, DateTimeOffset at)
    {
        var cancelled = order.Cancel(reason, at);
        return new(cancelled, new OrderCancelled(cancelled.Id, cancelled.CustomerId, reason, cancelled.Version, at));
    }

    public static OrderChange RequestRefund(Order order, string paymentId, decimal amount, string currency, DateTimeOffset at)
    {
        var refunding = order.RequestRefund(paymentId, amount, currency, at);
        return new(refunding, new RefundRequested(refunding.Id, refunding.CustomerId, paymentId, amount, currency, refunding.Version, at));
    }
}
