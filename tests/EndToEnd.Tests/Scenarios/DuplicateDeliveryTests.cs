using FlashSale.EndToEnd.Tests.Fixture;

namespace FlashSale.EndToEnd.Tests.Scenarios;

/// <summary>
/// At-least-once delivery taken to the extreme: the same sale runs once with normal delivery and once with every
/// message delivered a second time (same CloudEvent id, right after the first was acknowledged, as after a lost offset
/// commit). Both must end in the same state everywhere a user or an operator can look.
/// </summary>
[Collection(SystemWideScenarios.Name)]
public sealed class DuplicateDeliveryTests(SystemFixture system)
{
    [Fact]
    public async Task Every_message_delivered_twice_ends_in_the_same_state_as_every_message_delivered_once()
    {
        await system.SettleAsync();
        var once = await RunSaleAsync("ONCE");

        system.Sidecar.Faults.DeliverEveryMessageTwice = true;
        SaleOutcome twice;
        try
        {
            twice = await RunSaleAsync("TWICE");
        }
        finally
        {
            system.Sidecar.Faults.DeliverEveryMessageTwice = false;
        }

        Assert.Equivalent(once, twice, strict: true);
        Assert.Superset(
            new HashSet<string> { "ordering", "payment", "order-query" },
            system.Sidecar.PubSub.Deliveries.Where(delivery => delivery.Duplicate).Select(delivery => delivery.AppId).ToHashSet());
    }

    /// <summary>Two customers pay (2 units and 1 unit), one is declined; then everything is read back.</summary>
    private async Task<SaleOutcome> RunSaleAsync(string run)
    {
        var sku = Sku.New($"DUP-{run}");
        var admin = await system.Client.SignInAsAdminAsync();
        await admin.CreateSaleAsync(sku, price: 40m, salePrice: 25m, stock: 5);
        var buyers = new List<(string Role, Shopper Customer, int Quantity, string Status)>();
        foreach (var (role, quantity, status) in new[] { ("pays", 2, "Confirmed"), ("declined", 1, "Cancelled"), ("pays too", 1, "Confirmed") })
        {
            var name = system.Customers.Next();
            if (role == "declined")
            {
                system.DeclineCardsOf(name);
            }

            buyers.Add((role, await system.Client.SignInAsync(name), quantity, status));
        }

        var orders = new List<(string Role, Shopper Customer, PlacedOrder Order, string Status)>();
        foreach (var (role, customer, quantity, status) in buyers)
        {
            orders.Add((role, customer, await customer.PlaceOrderAsync(sku, quantity), status));
        }

        foreach (var (_, _, order, status) in orders)
        {
            await system.WriteModelOrderOnceAsync(order.Id, status);
        }

        await admin.StockOnceAsync(sku, new StockLevels(sku, 2, 0, 3));
        await system.SettleAsync();
        Assert.Empty(system.DeadLettersAbout(sku));
        Assert.All(orders, order => Assert.Empty(system.DeadLettersAbout(order.Order.Id)));

        var outcomes = new List<OrderOutcome>();
        foreach (var (role, customer, order, _) in orders)
        {
            var written = system.WriteModelOrder(order.Id);
            var read = (await customer.FindOrderAsync(order.Id))!;
            var payment = Assert.Single(system.StoredPaymentsOf(customer.UserName));
            outcomes.Add(new OrderOutcome(
                role, written.Status, written.Version, written.CancellationReason, written.Total,
                read.Status, read.Version, read.Payment.Status, read.Payment.Amount, read.Lines?.Sum(line => line.Quantity),
                (await customer.ListOrdersAsync()).TotalCount,
                (await system.PaymentLedgerAsync(order.Id)).Charges.Count, (await system.PaymentLedgerAsync(order.Id)).Refunds.Count,
                payment.GetProperty("status").ToString(), payment.GetProperty("chargeAttempts").GetInt32()));
        }

        var stock = await admin.GetStockAsync(sku);
        var figures = (await admin.FindSaleFiguresAsync(sku))!;
        return new SaleOutcome(outcomes, (stock.Available, stock.Reserved, stock.Sold), new DashboardOutcome(
            figures.UnitsSold, figures.Revenue.GetValueOrDefault("EUR"), figures.ConfirmedOrders, figures.CancelledOrders,
            figures.ExpiredReservationUnits, figures.RemainingStock, figures.ReservedStock, figures.SoldOut));
    }

    private sealed record SaleOutcome(IReadOnlyList<OrderOutcome> Orders, (int Available, int Reserved, int Sold) Stock, DashboardOutcome Dashboard);

    private sealed record OrderOutcome(
        string Buyer, string WriteStatus, long WriteVersion, string? CancellationReason, decimal Total,
        string ReadStatus, long ReadVersion, string ReadPaymentStatus, decimal? ReadPaidAmount, int? ReadUnits, int ListedOrders,
        int Charges, int Refunds, string StoredPaymentStatus, int ChargeAttempts);

    private sealed record DashboardOutcome(
        int UnitsSold, decimal Revenue, int ConfirmedOrders, int CancelledOrders, int ExpiredUnits, int? RemainingStock, int? ReservedStock,
        bool SoldOut);
}
