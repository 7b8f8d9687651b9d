namespace FlashSale.OrderQuery.Domain;

/// <summary>The SKUs that have a dashboard, so the sales overview can find them without scanning the store.</summary>
public sealed record DashboardSkus(IReadOnlyList<string> Skus)
{
    public static DashboardSkus? Add(DashboardSkus? list, string sku) =>
        list?.Skus.Contains(sku) == true ? null : new DashboardSkus([.. (list?.Skus ?? []).Append(sku).Order(StringComparer.Ordinal)]);
}
