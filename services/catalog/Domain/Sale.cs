namespace FlashSale.Catalog.Domain;

/// <summary>
/// A flash sale of one product: <see cref="SalePrice"/> instead of the regular price inside [<see cref="StartsAt"/>,
/// <see cref="EndsAt"/>). How many units it sells is inventory's stock alone (ADR 0017).
/// <see cref="PerCustomerLimit"/>, when set, is the most units one customer may buy in this sale (against scalpers).
/// </summary>
public sealed record Sale(decimal SalePrice, DateTimeOffset StartsAt, DateTimeOffset EndsAt, int? PerCustomerLimit = null)
{
    /// <summary>The most a per-customer limit may be; beyond, it limits nothing a flash sale cares about.</summary>
    public const int MaxPerCustomerLimit = 1_000;

    /// <summary>Names this sale among the SKU's sales over time, so a customer's allowance starts afresh in the next one.</summary>
    public string Key => StartsAt.UtcDateTime.ToString("yyyyMMdd'T'HHmmssfff'Z'", System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The window is half-open, so a sale ending at 12:00 and another starting at 12:00 never overlap.</summary>
    public SaleState StateAt(DateTimeOffset instant) =>
        instant < StartsAt ? SaleState.Upcoming
        : instant < EndsAt ? SaleState.Active
        : SaleState.Ended;
}

public enum SaleState
{
    Upcoming,
    Active,
    Ended,
}
