using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text.Json;
using FlashSale.Contracts;
using FlashSale.Contracts.Inventory;
using FlashSale.EndToEnd.Tests.Fixture;

namespace FlashSale.EndToEnd.Tests.Scenarios;

/// <summary>
/// The flash sale itself: 200 customers want 100 units, and each of them clicks "buy" five times at once (double
/// clicks, a second tab, an impatient retry), all with the one Idempotency-Key their browser gave the purchase: 1,000
/// concurrent buyers. The gateway has flash-sale limits: a few requests per user (the fifth click is 429) and a cap on
/// placements in flight, beyond which they wait at the gateway rather than pile up on ordering and the hot SKU's actor.
/// </summary>
[Collection(SystemWideScenarios.Name)]
public sealed class FlashSaleTests(SystemFixture system, ITestOutputHelper output)
{
    private const int Units = 100;
    private const int ClicksPerCustomer = 5;
    private const int PermitsPerCustomer = 4;
    private const decimal SalePrice = 99m;
    private static readonly TimeSpan SettleDeadline = TimeSpan.FromSeconds(45);

    private static readonly Dictionary<string, string?> FlashSaleLimits = new()
    {
        ["RateLimiting:PermitsPerUser"] = PermitsPerCustomer.ToString(CultureInfo.InvariantCulture),
        ["RateLimiting:PerUserWindow"] = "00:00:10",
        // Enough in flight to keep ordering busy, few enough that a placement never waits long for the hot SKU's actor
        // (one turn at a time) or outruns ordering's 10 s placement budget; the rest of the spike queues at the gateway.
        ["RateLimiting:OrderPlacementConcurrency"] = "32",
        ["RateLimiting:OrderPlacementQueue"] = "1000",
    };

    [Fact]
    public async Task A_thousand_buyers_for_a_hundred_units_get_exactly_a_hundred_orders_and_nobody_pays_twice()
    {
        await system.SettleAsync();
        var sku = Sku.New("FLASH");
        var admin = await system.Client.SignInAsAdminAsync();
        await admin.CreateSaleAsync(sku, price: 250m, salePrice: SalePrice, stock: Units);
        await using var gateway = system.StartGateway(FlashSaleLimits);
        using var http = new HttpClient { BaseAddress = gateway.Address };
        var flashGateway = new GatewayClient(http);
        // Customers signed in before the sale opened.
        var crowd = await Task.WhenAll(Enumerable.Range(1, Customers.FlashSaleCrowd)
            .Select(async i => (await system.Client.SignInAsync(Customers.FlashSaleCustomer(i))).Via(flashGateway)));

        var opening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var clicking = crowd.SelectMany(customer =>
        {
            var purchase = Guid.NewGuid().ToString();
            return Enumerable.Range(0, ClicksPerCustomer).Select(_ => ClickAsync(customer, sku, purchase, opening.Task));
        }).ToList();
        var clock = Stopwatch.StartNew();
        opening.SetResult();
        var answers = await Task.WhenAll(clicking);
        var answeredAfter = clock.Elapsed;
        var figures = await Eventually.MatchesAsync(() => admin.FindSaleFiguresAsync(sku),
            f => f is { ConfirmedOrders: Units, RemainingStock: 0, ReservedStock: 0 }, "the dashboard to show the sale sold out", SettleDeadline, cancellationToken: TestContext.Current.CancellationToken);
        var settledAfter = clock.Elapsed;
        await system.SettleAsync();

        var orders = answers.Where(answer => answer.Status == HttpStatusCode.Created).Select(answer => answer.OrderId!).Distinct().ToList();
        Report(answers, orders.Count, answeredAfter, settledAfter);

        // Every click got 201 (the order, or a replay of it), 409 (sold out, or the purchase is being placed by another
        // click) or 429 (the customer's clicks beyond the per-user limit).
        Assert.All(answers, answer => Assert.Contains((answer.Status, answer.Title), new (HttpStatusCode, string?)[]
        {
            (HttpStatusCode.Created, null), (HttpStatusCode.Conflict, "Sold out"), (HttpStatusCode.Conflict, "Order in progress"),
            (HttpStatusCode.TooManyRequests, "Too many requests"),
        }));
        // Exactly 100 orders; each customer got one order or was told it is sold out, never both, never two orders.
        Assert.Equal(Units, orders.Count);
        Assert.All(answers.GroupBy(answer => answer.Customer), clicks =>
        {
            var theirOrders = clicks.Where(click => click.Status == HttpStatusCode.Created).Select(click => click.OrderId).Distinct().Count();
            var toldSoldOut = clicks.Any(click => click.Title == "Sold out");
            Assert.True(theirOrders + (toldSoldOut ? 1 : 0) == 1, $"{clicks.Key}: {theirOrders} orders, told sold out: {toldSoldOut}");
            Assert.Equal(ClicksPerCustomer - PermitsPerCustomer, clicks.Count(click => click.Status == HttpStatusCode.TooManyRequests));
        });
        // Both models agree, and nobody was charged twice.
        var stored = crowd.SelectMany(customer => system.StoredOrdersOf(customer.UserName)).ToList();
        Assert.Equal(Units, stored.Count);
        Assert.All(stored, order => Assert.Equal("Confirmed", order.GetProperty("status").GetString()));
        var ledgers = await system.PaymentLedgersAsync(stored.Select(order => order.GetProperty("id").GetString()!));
        Assert.All(stored, order => Assert.Equal(
            order.GetProperty("paymentId").GetString(), Assert.Single(ledgers[order.GetProperty("id").GetString()!].Charges).Outcome));
        Assert.All(crowd, customer => Assert.InRange(system.StoredPaymentsOf(customer.UserName).Count, 0, 1));
        Assert.Equal((Units, Units * SalePrice, 0, true), (figures!.UnitsSold, figures.Revenue["EUR"], figures.CancelledOrders, figures.SoldOut));
        // Stock ends at zero and was never negative on the way.
        Assert.Equal(new Fixture.StockLevels(sku, 0, 0, Units), await admin.GetStockAsync(sku));
        var changes = system.Events<StockChanged>(Topics.Inventory).Where(change => change.Sku == sku).ToList();
        Assert.All(changes, change => Assert.True(change.Available >= 0 && change.Reserved >= 0, $"stock went to {change.Available}/{change.Reserved}"));
        Assert.Equal(0, changes.Min(change => change.Available));
        Assert.Empty(system.DeadLettersAbout(sku));
    }

    private static async Task<Answer> ClickAsync(Shopper customer, string sku, string purchase, Task opening)
    {
        await opening;
        using var response = await customer.PlaceOrderAsync(sku, 1, purchase);
        return await Answer.ReadAsync(customer.UserName, response);
    }

    private void Report(IReadOnlyList<Answer> answers, int orders, TimeSpan answeredAfter, TimeSpan settledAfter)
    {
        int Count(HttpStatusCode status, string? title = null) =>
            answers.Count(answer => answer.Status == status && (title is null || answer.Title == title));
        var report =
            $"Flash sale: {answers.Select(answer => answer.Customer).Distinct().Count()} customers x {ClicksPerCustomer} clicks = "
            + $"{answers.Count} concurrent buyers for {Units} units -> {orders} confirmed orders. Answers: 201 x {Count(HttpStatusCode.Created)}, "
            + $"409 x {Count(HttpStatusCode.Conflict)} (sold out {Count(HttpStatusCode.Conflict, "Sold out")}, in progress "
            + $"{Count(HttpStatusCode.Conflict, "Order in progress")}), 429 x {Count(HttpStatusCode.TooManyRequests)}. "
            + $"All answered after {answeredAfter.TotalSeconds:0.00} s; both models settled after {settledAfter.TotalSeconds:0.00} s.";
        output.WriteLine(report);
        TestContext.Current.SendDiagnosticMessage(report);
    }

    /// <summary>What one click got: the order (201), or the problem's title.</summary>
    private sealed record Answer(string Customer, HttpStatusCode Status, string? OrderId, string? Title)
    {
        public static async Task<Answer> ReadAsync(string customer, HttpResponseMessage response)
        {
            var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
            return response.StatusCode switch
            {
                HttpStatusCode.Created => new(customer, response.StatusCode, JsonSerializer.Deserialize<PlacedOrder>(body, JsonSerializerOptions.Web)!.Id, null),
                _ when response.Content.Headers.ContentType?.MediaType == "application/problem+json" =>
                    new(customer, response.StatusCode, null, JsonSerializer.Deserialize<Problem>(body, JsonSerializerOptions.Web)!.Title),
                _ => new(customer, response.StatusCode, null, body),
            };
        }
    }
}
