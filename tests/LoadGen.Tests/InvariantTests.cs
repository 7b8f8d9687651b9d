using FlashSale.LoadGen.Domain;

namespace FlashSale.LoadGen.Tests;

public sealed class InvariantTests
{
    /// <summary>A sale of 100 units that sold out cleanly: every figure agrees.</summary>
    private static readonly SaleObservation SoldOutCleanly = new()
    {
        ConfirmedUnits = 100,
        UnitsOnSale = 100,
        StockBefore = new StockLevels(100, 0, 0),
        StockAfter = new StockLevels(0, 0, 100),
        LowestAvailable = 0,
        LowestReserved = 0,
        DashboardUnitsSold = 100,
        OrdersPlaced = 100,
        OrdersUnsettled = 0,
        SettleDeadline = TimeSpan.FromMinutes(2),
        Payments = Enumerable.Range(1, 100).Select(i => new PaymentObservation($"order-{i}", "Succeeded", ChargeAttempts: 1, Charges: null)).ToList(),
    };

    [Fact]
    public void A_clean_sale_holds_every_invariant()
    {
        var results = InvariantRules.Evaluate(SoldOutCleanly);

        Assert.Equal(
            [InvariantRules.UnitsAgree, InvariantRules.NoNegativeStock, InvariantRules.NotOversold, InvariantRules.AllSettled, InvariantRules.ChargedOnce],
            results.Select(result => result.Name));
        Assert.All(results, result => Assert.Equal((InvariantStatus.Held, 0L), (result.Status, result.Violations)));
    }

    [Fact]
    public void Inventory_selling_more_than_buyers_saw_confirmed_breaks_the_agreement()
    {
        var result = Single(SoldOutCleanly with { StockAfter = new StockLevels(0, 0, 103) }, InvariantRules.UnitsAgree);

        Assert.Equal((InvariantStatus.Broken, 3L), (result.Status, result.Violations));
        Assert.Equal("buyers saw 100 units confirmed, inventory sold 103, the dashboard 100", result.Detail);
    }

    [Fact]
    public void A_dashboard_that_disagrees_breaks_the_agreement_and_a_missing_one_does_not()
    {
        Assert.Equal(InvariantStatus.Broken, Single(SoldOutCleanly with { DashboardUnitsSold = 98 }, InvariantRules.UnitsAgree).Status);
        Assert.Equal(InvariantStatus.Held, Single(SoldOutCleanly with { DashboardUnitsSold = null }, InvariantRules.UnitsAgree).Status);
    }

    [Fact]
    public void Negative_stock_seen_during_the_run_is_broken_even_if_it_recovered()
    {
        var result = Single(SoldOutCleanly with { LowestAvailable = -2 }, InvariantRules.NoNegativeStock);

        Assert.Equal((InvariantStatus.Broken, 2L), (result.Status, result.Violations));
    }

    [Fact]
    public void Selling_more_than_was_on_sale_is_overselling()
    {
        var result = Single(SoldOutCleanly with { ConfirmedUnits = 104, StockAfter = new StockLevels(0, 0, 104), DashboardUnitsSold = 104 }, InvariantRules.NotOversold);

        Assert.Equal((InvariantStatus.Broken, 4L), (result.Status, result.Violations));
    }

    [Fact]
    public void Orders_unsettled_at_the_deadline_break_the_run_unless_it_was_interrupted()
    {
        var late = SoldOutCleanly with { OrdersUnsettled = 7 };

        Assert.Equal((InvariantStatus.Broken, 7L), Verdict(Single(late, InvariantRules.AllSettled)));
        Assert.Equal((InvariantStatus.Unverified, 7L), Verdict(Single(late with { Interrupted = true }, InvariantRules.AllSettled)));
    }

    [Fact]
    public void Units_that_disagree_after_an_interruption_with_orders_in_flight_are_unverified_not_broken()
    {
        var stopped = SoldOutCleanly with { Interrupted = true, OrdersUnsettled = 5, ConfirmedUnits = 95 };

        Assert.Equal(InvariantStatus.Unverified, Single(stopped, InvariantRules.UnitsAgree).Status);
    }

    [Fact]
    public void A_payment_with_two_charges_is_charged_twice()
    {
        var payments = SoldOutCleanly.Payments!.Select(payment => payment with { Charges = 1 }).ToList();
        payments[7] = payments[7] with { ChargeAttempts = 2, Charges = 2 };

        var result = Single(SoldOutCleanly with { Payments = payments }, InvariantRules.ChargedOnce);

        Assert.Equal((InvariantStatus.Broken, 1L), Verdict(result));
        Assert.Contains("order-8 x2", result.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_charge_count_one_provider_call_proves_one_charge_and_two_calls_prove_nothing()
    {
        var payments = SoldOutCleanly.Payments!.ToList();
        payments[0] = payments[0] with { ChargeAttempts = 2 };

        Assert.Equal(InvariantStatus.Unverified, Single(SoldOutCleanly with { Payments = payments }, InvariantRules.ChargedOnce).Status);
        Assert.Equal(InvariantStatus.Held, Single(SoldOutCleanly with { Payments = [.. payments.Skip(1)] }, InvariantRules.ChargedOnce).Status);
        Assert.Equal(InvariantStatus.Held, Single(SoldOutCleanly with { Payments = [payments[0] with { Charges = 1 }] }, InvariantRules.ChargedOnce).Status);
    }

    [Fact]
    public void Payments_that_cannot_be_read_are_unverified_with_the_reason_never_a_pass()
    {
        var result = Single(SoldOutCleanly with { Payments = null, PaymentsUnavailable = "not routed" }, InvariantRules.ChargedOnce);

        Assert.Equal((InvariantStatus.Unverified, "not routed"), (result.Status, result.Detail));
    }

    private static InvariantResult Single(SaleObservation sale, string name) =>
        InvariantRules.Evaluate(sale).Single(result => result.Name == name);

    private static (InvariantStatus, long) Verdict(InvariantResult result) => (result.Status, result.Violations);
}
