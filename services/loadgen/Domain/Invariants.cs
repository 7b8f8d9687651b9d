namespace FlashSale.LoadGen.Domain;

public enum InvariantStatus
{
    /// <summary>Checked, and it holds.</summary>
    Held,

    /// <summary>Checked, and it does not hold: the run fails.</summary>
    Broken,

    /// <summary>Could not be checked (an API is missing, the run was interrupted). Not a pass.</summary>
    Unverified,
}

/// <summary>One invariant's verdict; <see cref="Violations"/> counts what breaks it (units oversold, orders unsettled…).</summary>
public sealed record InvariantResult(string Name, InvariantStatus Status, long Violations, string Detail);

/// <summary>
/// One order's payment as payment's admin API shows it. <see cref="Charges"/> is how many provider charges moved
/// money, when the API reports it; <see cref="ChargeAttempts"/> is how often payment called the provider.
/// </summary>
public sealed record PaymentObservation(string OrderId, string? Status, int ChargeAttempts, int? Charges)
{
    /// <summary>
    /// How many times the customer paid, or null when it cannot be known: without a charge count, at most one call to
    /// the provider proves at most one charge, but several calls (a takeover after a crash) may or may not have charged
    /// again.
    /// </summary>
    public int? TimesCharged => Charges ?? (ChargeAttempts <= 1 ? ChargeAttempts : null);
}

/// <summary>Everything the invariants are judged on, gathered after the run.</summary>
public sealed record SaleObservation
{
    /// <summary>Units of the orders buyers saw Confirmed.</summary>
    public required int ConfirmedUnits { get; init; }

    /// <summary>Units free for sale when the timed phase started.</summary>
    public required int UnitsOnSale { get; init; }

    public required StockLevels StockBefore { get; init; }

    public required StockLevels StockAfter { get; init; }

    /// <summary>Lowest available and reserved units seen while sampling during the run, and at the end.</summary>
    public required int LowestAvailable { get; init; }

    public required int LowestReserved { get; init; }

    /// <summary>The sale dashboard's units sold during the run (order-query), or null when it could not be read.</summary>
    public int? DashboardUnitsSold { get; init; }

    public required int OrdersPlaced { get; init; }

    /// <summary>Orders that reached neither Confirmed nor Cancelled within the settle deadline.</summary>
    public required int OrdersUnsettled { get; init; }

    public required TimeSpan SettleDeadline { get; init; }

    /// <summary>The payments of the placed orders, or null when payment's admin API is not reachable through the gateway.</summary>
    public IReadOnlyList<PaymentObservation>? Payments { get; init; }

    /// <summary>Why <see cref="Payments"/> is null.</summary>
    public string? PaymentsUnavailable { get; init; }

    /// <summary>The run was stopped early: what had not settled yet cannot be judged.</summary>
    public bool Interrupted { get; init; }
}

/// <summary>The flash sale's promises: no overselling, no order left hanging, nobody charged twice.</summary>
public static class InvariantRules
{
    public const string UnitsAgree = "units confirmed == units sold";
    public const string NoNegativeStock = "no negative stock";
    public const string NotOversold = "not oversold";
    public const string AllSettled = "every order settled";
    public const string ChargedOnce = "no order charged twice";

    public static IReadOnlyList<InvariantResult> Evaluate(SaleObservation sale) =>
        [UnitsAgreement(sale), NegativeStock(sale), Oversold(sale), Settlement(sale), Charging(sale)];

    private static InvariantResult UnitsAgreement(SaleObservation sale)
    {
        var soldByInventory = sale.StockAfter.Sold - sale.StockBefore.Sold;
        var dashboard = sale.DashboardUnitsSold is { } units ? $", the dashboard {units}" : ", the dashboard unavailable";
        var detail = $"buyers saw {sale.ConfirmedUnits} units confirmed, inventory sold {soldByInventory}{dashboard}";
        var difference = Math.Max(
            Math.Abs(sale.ConfirmedUnits - soldByInventory),
            sale.DashboardUnitsSold is { } shown ? Math.Abs(sale.ConfirmedUnits - shown) : 0);
        if (difference == 0)
        {
            return new(UnitsAgree, InvariantStatus.Held, 0, detail);
        }

        return sale.Interrupted && sale.OrdersUnsettled > 0
            ? new(UnitsAgree, InvariantStatus.Unverified, difference, $"{detail}; the run was interrupted before {sale.OrdersUnsettled} orders settled")
            : new(UnitsAgree, InvariantStatus.Broken, difference, detail);
    }

    private static InvariantResult NegativeStock(SaleObservation sale)
    {
        var lowest = Math.Min(sale.LowestAvailable, sale.LowestReserved);
        var detail = $"lowest available {sale.LowestAvailable}, lowest reserved {sale.LowestReserved}";
        return lowest >= 0
            ? new(NoNegativeStock, InvariantStatus.Held, 0, detail)
            : new(NoNegativeStock, InvariantStatus.Broken, -lowest, detail);
    }

    private static InvariantResult Oversold(SaleObservation sale)
    {
        var sold = Math.Max(sale.ConfirmedUnits, sale.StockAfter.Sold - sale.StockBefore.Sold);
        var excess = Math.Max(0, sold - sale.UnitsOnSale);
        var detail = $"{sold} units sold of {sale.UnitsOnSale} on sale";
        return excess == 0
            ? new(NotOversold, InvariantStatus.Held, 0, detail)
            : new(NotOversold, InvariantStatus.Broken, excess, $"{detail}: {excess} oversold");
    }

    private static InvariantResult Settlement(SaleObservation sale)
    {
        var deadline = $"{sale.SettleDeadline.TotalSeconds:0.#} s";
        if (sale.OrdersUnsettled == 0)
        {
            return new(AllSettled, InvariantStatus.Held, 0, $"all {sale.OrdersPlaced} orders Confirmed or Cancelled within {deadline}");
        }

        var detail = $"{sale.OrdersUnsettled} of {sale.OrdersPlaced} orders neither Confirmed nor Cancelled";
        return sale.Interrupted
            ? new(AllSettled, InvariantStatus.Unverified, sale.OrdersUnsettled, $"{detail} when the run was interrupted")
            : new(AllSettled, InvariantStatus.Broken, sale.OrdersUnsettled, $"{detail} within {deadline}");
    }

    private static InvariantResult Charging(SaleObservation sale)
    {
        if (sale.Payments is not { } payments)
        {
            return new(ChargedOnce, InvariantStatus.Unverified, 0, sale.PaymentsUnavailable ?? "payments could not be read");
        }

        var twice = payments.Where(payment => payment.TimesCharged > 1).ToList();
        var unknown = payments.Count(payment => payment.TimesCharged is null);
        if (twice.Count > 0)
        {
            var examples = string.Join(", ", twice.Take(3).Select(payment => $"{payment.OrderId} x{payment.TimesCharged}"));
            return new(ChargedOnce, InvariantStatus.Broken, twice.Count, $"{twice.Count} of {payments.Count} orders charged more than once ({examples})");
        }

        return unknown == 0
            ? new(ChargedOnce, InvariantStatus.Held, 0, $"{payments.Count} payments, none charged more than once")
            : new(ChargedOnce, InvariantStatus.Unverified, 0,
                $"{unknown} of {payments.Count} payments called the provider more than once and the API does not say how many charges took money");
    }
}
