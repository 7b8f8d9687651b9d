namespace FlashSale.Ordering.Domain;

/// <summary>Why an order cannot be placed; final for its Idempotency-Key, so a retry hears the same.</summary>
public enum RefusalReason
{
    /// <summary>Not enough stock of <see cref="PlacementRefusal.Skus"/> (the first line that could not be reserved).</summary>
    SoldOut,

    /// <summary>The catalog does not sell these SKUs.</summary>
    UnknownSku,

    /// <summary>The SKUs are priced in different currencies and cannot be paid together.</summary>
    MixedCurrencies,

    /// <summary>The customer would hold more units of the SKU than its sale allows one customer.</summary>
    CustomerLimit,
}

/// <summary>A final refusal of a placement, the SKUs it is about and, for the per-customer limit, that limit.</summary>
public sealed record PlacementRefusal(RefusalReason Reason, IReadOnlyList<string> Skus, int? Limit = null)
{
    public static PlacementRefusal SoldOut(string sku) => new(RefusalReason.SoldOut, [sku]);

    public static PlacementRefusal UnknownSkus(IReadOnlyList<string> skus) => new(RefusalReason.UnknownSku, skus);

    public static PlacementRefusal MixedCurrencies(IReadOnlyList<string> skus) => new(RefusalReason.MixedCurrencies, skus);

    public static PlacementRefusal OverLimit(string sku, int limit) => new(RefusalReason.CustomerLimit, [sku], limit);
}
