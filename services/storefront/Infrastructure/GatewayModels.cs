namespace FlashSale.Storefront.Infrastructure;

// The gateway's answers as the storefront reads them: only the fields its pages show.

public sealed record ProductSummary(string Sku, string Name, decimal Price, string Currency, decimal EffectivePrice, bool OnSale);

public sealed record ProductList(int TotalCount, IReadOnlyList<ProductSummary> Items);

public sealed record SaleDetails(decimal SalePrice, DateTimeOffset StartsAt, DateTimeOffset EndsAt, int UnitsAllocated, string State, int? PerCustomerLimit);

public sealed record ProductDetails(
    string Sku, string Name, string Description, decimal Price, string Currency, decimal EffectivePrice, bool OnSale, SaleDetails? Sale, long Version);

public sealed record PlacedOrder(string Id, string Status);

public sealed record OrderLine(string Sku, int Quantity, decimal UnitPrice, decimal LineTotal);

public sealed record OrderDetails(
    string OrderId, string CustomerId, string Status, IReadOnlyList<OrderLine>? Lines, decimal? Total, string? Currency,
    DateTimeOffset PlacedAt, string? CancellationReason);

public sealed record OrderSummary(string OrderId, string Status, decimal? Total, string? Currency, int? ItemCount, DateTimeOffset PlacedAt);

public sealed record OrderPage(IReadOnlyList<OrderSummary> Items, int TotalCount);

public sealed record SaleFigures(
    string Sku, string? ProductName, int UnitsSold, IReadOnlyDictionary<string, decimal> Revenue, int ConfirmedOrders,
    int CancelledOrders, int? RemainingStock, int? ReservedStock, bool SoldOut);

public sealed record SalesDashboard(IReadOnlyList<SaleFigures> Skus);

public sealed record SkuStock(string Sku, int? RemainingStock, bool SoldOut);

public sealed record StockSnapshot(IReadOnlyList<SkuStock> Skus);

public sealed record StockLevels(string Sku, int Available, int Reserved, int Sold);

public sealed record SignedIn(string AccessToken, DateTimeOffset ExpiresAt);

/// <summary>A refusal or failure as the page shows it: the API's problem, its field errors and any Retry-After.</summary>
public sealed record GatewayProblem(int Status, string? Title, string? Detail, IReadOnlyDictionary<string, string[]> Errors, int? RetryAfterSeconds)
{
    public static readonly GatewayProblem Outage = new(503, "Unavailable", null, new Dictionary<string, string[]>(), null);

    /// <summary>The errors of one field, matched case-insensitively (the API names fields in camelCase).</summary>
    public IReadOnlyList<string> ErrorsOf(string field) =>
        Errors.Where(pair => string.Equals(pair.Key, field, StringComparison.OrdinalIgnoreCase)).SelectMany(pair => pair.Value).ToList();
}

/// <summary>An answer: the value, or the problem. <see cref="ETag"/> is the version a later write must name.</summary>
public sealed record GatewayResult<T>(T? Value, GatewayProblem? Problem, string? ETag = null)
{
    public bool Succeeded => Problem is null;
}
