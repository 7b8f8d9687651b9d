using System.Text.Json.Serialization;

namespace FlashSale.EndToEnd.Tests.Fixture;

// The gateway's answers as a client reads them: only the fields the scenarios look at, statuses as the strings on the
// wire. Deliberately not the services' own types, so a change of the wire format shows up here.

public sealed record TokenAnswer([property: JsonPropertyName("access_token")] string AccessToken);

public sealed record ProductView(string Sku, string Name, decimal Price, string Currency, decimal EffectivePrice, bool OnSale);

/// <summary>ordering's answer to <c>POST /api/orders</c>, and its stored order (the write model).</summary>
public sealed record PlacedOrder(
    string Id, string CustomerId, string Status, IReadOnlyList<OrderLineView> Lines, decimal Total, string Currency, long Version,
    string? PaymentId, string? CancellationReason);

public sealed record OrderLineView(string Sku, int Quantity, decimal UnitPrice);

/// <summary>order-query's view of one order (<c>GET /api/orders/{id}</c>).</summary>
public sealed record OrderDetails(
    string OrderId, string CustomerId, string Status, long Version, IReadOnlyList<OrderLineView>? Lines, decimal? Total,
    string? Currency, string? CancellationReason, PaymentDetails Payment, IReadOnlyList<ExpiredReservation> ExpiredReservations);

public sealed record PaymentDetails(string Status, string? PaymentId, decimal? Amount, string? Currency, string? FailureReason);

public sealed record ExpiredReservation(string Sku, int Quantity);

/// <summary>One page of the caller's orders (<c>GET /api/orders</c>).</summary>
public sealed record OrderPage(IReadOnlyList<OrderSummary> Items, int TotalCount);

public sealed record OrderSummary(string OrderId, string Status, decimal? Total, int? ItemCount, string PaymentStatus);

/// <summary>The admin's sale dashboard for one SKU (<c>GET /api/dashboard/sales/{sku}</c>).</summary>
public sealed record SaleFigures(
    string Sku, string? ProductName, int UnitsSold, IReadOnlyDictionary<string, decimal> Revenue, int ConfirmedOrders,
    int CancelledOrders, int ExpiredReservationUnits, int? RemainingStock, int? ReservedStock, bool SoldOut);

public sealed record StockLevels(string Sku, int Available, int Reserved, int Sold);

/// <summary>An RFC 9457 problem, with the extensions FlashSale adds (validation errors, the SKUs of a refusal).</summary>
public sealed record Problem(
    int Status, string? Title, string? Detail, IReadOnlyDictionary<string, string[]>? Errors, IReadOnlyList<string>? Skus, int? Limit = null);

