using FlashSale.Contracts.Catalog;
using FlashSale.Contracts.Inventory;
using FlashSale.Contracts.Orders;
using FlashSale.Contracts.Payments;

namespace FlashSale.OrderQuery.Tests;

/// <summary>Test data: one order's life as the other services announce it, one event per transition.</summary>
public sealed record OrderStory(string OrderId, string CustomerId, DateTimeOffset PlacedAt, IReadOnlyList<OrderLine> Lines, string Currency = "EUR")
{
    public const string PaymentId = "ch_123";

    public static OrderStory New(string customerId = "customer-1", DateTimeOffset? placedAt = null, params OrderLine[] lines) => new(
        $"order-{Guid.NewGuid():N}", customerId, placedAt ?? Events.Start,
        lines.Length > 0 ? lines : [new OrderLine(Events.Sku, 2, 19.99m)]);

    public decimal Total => Lines.Sum(line => line.Quantity * line.UnitPrice);

    public OrderPlaced Placed => new(OrderId, CustomerId, Lines, Total, Currency, 1, PlacedAt);

    public PaymentSucceeded Paid => new(OrderId, PaymentId, Total, Currency, PlacedAt.AddSeconds(2));

    public PaymentFailed PaymentDeclined => new(OrderId, "card declined", PlacedAt.AddSeconds(2));

    public OrderConfirmed Confirmed => new(OrderId, CustomerId, PaymentId, 2, PlacedAt.AddSeconds(3));

    public OrderCancelled Cancelled => new(OrderId, CustomerId, "payment failed", 2, PlacedAt.AddSeconds(3));

    public RefundRequested RefundRequested => new(OrderId, CustomerId, PaymentId, Total, Currency, 3, PlacedAt.AddSeconds(4));

    public PaymentRefunded Refunded => new(OrderId, PaymentId, Total, Currency, PlacedAt.AddSeconds(5));

    public ReservationExpired Expired(string sku, int quantity) => new(sku, OrderId, quantity, 7, PlacedAt.AddMinutes(10));
}

public static class Events
{
    public const string Sku = "SKU-TEE";
    public static readonly DateTimeOffset Start = new(2025, 11, 28, 9, 0, 0, TimeSpan.Zero);

    public static ProductUpdated ProductUpdated(string name, long version, string sku = Sku) =>
        new(sku, name, 29.99m, "EUR", version, Start.AddMinutes(version));

    public static StockChanged StockChanged(int available, long sequence, string sku = Sku) =>
        new(sku, available, 0, 0, sequence, Start.AddSeconds(sequence));
}
