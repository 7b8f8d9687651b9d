namespace FlashSale.Catalog.Domain;

/// <summary>
/// A flash sale of one product: <see cref="SalePrice"/> instead of the regular price inside [<see cref="StartsAt"/>,
/// <see cref="EndsAt"/>). <see cref="UnitsAllocated"/> is informational here; inventory enforces how many are sold.
/// </summary>
public sealed record Sale(decimal SalePrice, DateTimeOffset StartsAt, DateTimeOffset EndsAt, int UnitsAllocated)
{
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
