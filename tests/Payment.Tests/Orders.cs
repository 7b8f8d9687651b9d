using FlashSale.Contracts.Orders;

namespace FlashSale.Payment.Tests;

/// <summary>Test data: orders as the ordering service announces them.</summary>
public static class Orders
{
    public static readonly DateTimeOffset PlacedAt = new(2025, 11, 28, 9, 0, 0, TimeSpan.Zero);

    public static OrderPlaced Placed(string customerId = "customer-1", decimal unitPrice = 19.99m, int quantity = 2) => new(
        $"order-{Guid.NewGuid():N}", customerId, [new OrderLine("SKU-TEE", quantity, unitPrice)], unitPrice * quantity, "EUR",
        Version: 1, PlacedAt);

    public static RefundRequested RefundOf(OrderPlaced order, string paymentId) => new(
        order.OrderId, order.CustomerId, paymentId, order.Total, order.Currency, Version: 4, PlacedAt.AddMinutes(5));
}
