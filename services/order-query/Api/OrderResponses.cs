using FlashSale.OrderQuery.Domain;

namespace FlashSale.OrderQuery.Api;

/// <summary>
/// An order as its customer sees it. When a later event overtook <c>OrderPlaced</c>, <see cref="Lines"/>,
/// <see cref="Total"/> and <see cref="Currency"/> are null and <see cref="PlacedAt"/> is the earliest event's time
/// until it arrives.
/// </summary>
public sealed record OrderDetails(
    string OrderId,
    string CustomerId,
    OrderStatus Status,
    long Version,
    IReadOnlyList<OrderLineDetails>? Lines,
    decimal? Total,
    string? Currency,
    DateTimeOffset PlacedAt,
    DateTimeOffset? ConfirmedAt,
    DateTimeOffset? CancelledAt,
    string? CancellationReason,
    DateTimeOffset? RefundRequestedAt,
    PaymentView Payment,
    IReadOnlyList<ExpiredReservationDetails> ExpiredReservations,
    DateTimeOffset LastEventAt)
{
    public static OrderDetails From(OrderView view) => new(
        view.OrderId,
        view.CustomerId!,
        view.Status!.Value,
        view.Version,
        view.Lines?.Select(line => new OrderLineDetails(line.Sku, line.Quantity, line.UnitPrice, line.Quantity * line.UnitPrice)).ToList(),
        view.Total,
        view.Currency,
        view.Listing!.PlacedAt,
        view.ConfirmedAt,
        view.CancelledAt,
        view.CancellationReason,
        view.RefundRequestedAt,
        view.Payment,
        view.ExpiredReservations.OrderBy(pair => pair.Key, StringComparer.Ordinal)
            .Select(pair => new ExpiredReservationDetails(pair.Key, pair.Value)).ToList(),
        view.LastEventAt);
}

public sealed record OrderLineDetails(string Sku, int Quantity, decimal UnitPrice, decimal LineTotal);

public sealed record ExpiredReservationDetails(string Sku, int Quantity);

/// <summary>An order in a customer's list.</summary>
public sealed record OrderSummary(
    string OrderId, OrderStatus Status, decimal? Total, string? Currency, int? ItemCount, PaymentStatus PaymentStatus,
    DateTimeOffset PlacedAt, DateTimeOffset LastEventAt)
{
    public static OrderSummary From(OrderView view) => new(
        view.OrderId, view.Status!.Value, view.Total, view.Currency, view.Lines?.Sum(line => line.Quantity), view.Payment.Status,
        view.Listing!.PlacedAt, view.LastEventAt);
}

/// <summary>One page of a customer's orders, newest first; <see cref="TotalCount"/> counts all their orders.</summary>
public sealed record OrderPage(IReadOnlyList<OrderSummary> Items, int Page, int PageSize, int TotalCount);

/// <summary>
/// One SKU's sale: what was sold (confirmed orders) for how much, per currency; what was cancelled or expired; what
/// stock is left; and the product and sale as the catalog last described them.
/// </summary>
public sealed record SaleFigures(
    string Sku,
    string? ProductName,
    bool ProductDeleted,
    decimal? ListPrice,
    string? ListCurrency,
    SaleWindow? Sale,
    bool SaleCancelled,
    int UnitsSold,
    IReadOnlyDictionary<string, decimal> Revenue,
    int ConfirmedOrders,
    int CancelledOrders,
    int ExpiredReservationUnits,
    int? RemainingStock,
    int? ReservedStock,
    bool SoldOut)
{
    public static SaleFigures From(string sku, SaleDashboard? dashboard, SaleTotals totals) => new(
        sku,
        dashboard?.ProductName,
        dashboard?.ProductDeleted ?? false,
        dashboard?.ListPrice,
        dashboard?.ListCurrency,
        dashboard?.Sale,
        dashboard?.SaleCancelled ?? false,
        totals.UnitsSold,
        totals.Revenue,
        totals.ConfirmedOrders,
        totals.CancelledOrders,
        totals.ExpiredUnits,
        dashboard?.RemainingStock,
        dashboard?.ReservedStock,
        SoldOut: SaleDashboard.IsSoldOut(dashboard));
}

public sealed record SalesDashboard(IReadOnlyList<SaleFigures> Skus);
