using FlashSale.Ordering.Domain;

namespace FlashSale.Ordering.Api;

public sealed record OrderLineResponse(string Sku, int Quantity, decimal UnitPrice, decimal LineTotal);

public sealed record OrderResponse(
    string Id, string CustomerId, OrderStatus Status, IReadOnlyList<OrderLineResponse> Lines, decimal Total, string Currency,
    DateTimeOffset PlacedAt, DateTimeOffset UpdatedAt, long Version, string? PaymentId, string? CancellationReason)
{
    public static OrderResponse From(Order order) => new(
        order.Id, order.CustomerId, order.Status,
        order.Lines.Select(line => new OrderLineResponse(line.Sku, line.Quantity, line.UnitPrice, line.LineTotal())).ToList(),
        order.Total, order.Currency, order.PlacedAt, order.UpdatedAt, order.Version, order.PaymentId, order.CancellationReason);
}
