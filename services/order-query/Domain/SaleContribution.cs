namespace FlashSale.OrderQuery.Domain;

/// <summary>What one order adds to one SKU's sale figures in its current state.</summary>
public sealed record SkuContribution(
    string Sku, int UnitsSold, decimal Revenue, string? Currency, int ConfirmedOrders, int CancelledOrders, int ExpiredUnits)
{
    public bool IsNothing => UnitsSold == 0 && Revenue == 0 && ConfirmedOrders == 0 && CancelledOrders == 0 && ExpiredUnits == 0;
}

public static class SaleContribution
{
    /// <summary>
    /// A function of the order's state, not of the event that led there: applying it again (a duplicate) or replacing
    /// an older one (a transition) can never count an order twice. A confirmed order counts its units and revenue, a
    /// cancelled one counts once as cancelled; both only once the lines are known.
    /// </summary>
    public static IReadOnlyList<SkuContribution> Of(OrderView? view)
    {
        if (view is null)
        {
            return [];
        }

        var lines = view.Lines ?? [];
        var confirmed = view.Status == OrderStatus.Confirmed;
        var cancelled = view.Status == OrderStatus.Cancelled;
        return lines.Select(line => line.Sku).Concat(view.ExpiredReservations.Keys)
            .Distinct()
            .Order(StringComparer.Ordinal)
            .Select(sku =>
            {
                var skuLines = lines.Where(line => line.Sku == sku).ToList();
                var ordered = skuLines.Count > 0;
                return new SkuContribution(
                    sku,
                    UnitsSold: confirmed ? skuLines.Sum(line => line.Quantity) : 0,
                    Revenue: confirmed ? skuLines.Sum(line => line.Quantity * line.UnitPrice) : 0m,
                    view.Currency,
                    ConfirmedOrders: confirmed && ordered ? 1 : 0,
                    CancelledOrders: cancelled && ordered ? 1 : 0,
                    ExpiredUnits: view.ExpiredReservations.GetValueOrDefault(sku));
            })
            .ToList();
    }
}
