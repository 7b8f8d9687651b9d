using System.Diagnostics;
using System.Net;
using System.Text.Json;
using FlashSale.Contracts;
using FlashSale.Contracts.Inventory;
using FlashSale.Contracts.Orders;
using FlashSale.EndToEnd.Tests.Fixture;
using FlashSale.TestSupport.Sidecar;

namespace FlashSale.EndToEnd.Tests.Scenarios;

/// <summary>
/// A small flash sale on a system of its own that runs on the platform's timing (<see cref="PlatformTiming.Dapr117"/>):
/// every hop takes Dapr's published time, Kafka delivers one message at a time per partition, and the hot SKU's actor
/// holds each turn for its state saves and reminders. The sale must come out exactly as on the instant stand-in (no
/// oversell, every order settled in both models, one charge each, nothing dead-lettered), and ordering's own outbox
/// (docs/adr/0019) must publish every order event once, keyed by its order, without daprd's 1 s relay.
/// </summary>
[Collection(SystemWideScenarios.Name)]
public sealed class PlatformTimingFlashSaleTests(ITestOutputHelper output) : IAsyncLifetime
{
    private const int Units = 24;
    private const int Buyers = 48;
    private const decimal SalePrice = 49m;
    private readonly SystemFixture _system = new() { Timing = PlatformTiming.Dapr117 };

    private PlatformTiming Timing => _system.Timing;

    public ValueTask InitializeAsync() => _system.InitializeAsync();

    public ValueTask DisposeAsync() => _system.DisposeAsync();

    [Fact]
    public async Task A_sale_on_Daprs_timing_sells_exactly_its_stock_settles_every_order_and_publishes_each_order_event_keyed_by_its_order()
    {
        var sku = Sku.New("TIMED");
        var admin = await _system.Client.SignInAsAdminAsync();
        await admin.CreateSaleAsync(sku, price: 80m, salePrice: SalePrice, stock: Units);
        var buyers = await Task.WhenAll(Enumerable.Range(1, Buyers).Select(i => _system.Client.SignInAsync(Customers.FlashSaleCustomer(i))));

        var opening = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var buying = buyers.Select(buyer => BuyAsync(buyer, sku, opening.Task)).ToList();
        var clock = Stopwatch.StartNew();
        var openedAt = DateTimeOffset.UtcNow;
        opening.SetResult();
        var answers = await Task.WhenAll(buying);
        var answeredAfter = clock.Elapsed;
        // OrderPlaced and OrderConfirmed of each order go through ordering's outbox.
        var ordersEvents = 2 * Units;
        var figures = await Eventually.MatchesAsync(() => admin.FindSaleFiguresAsync(sku),
            f => f is { ConfirmedOrders: Units, RemainingStock: 0, ReservedStock: 0 }, "the dashboard to show the sale sold out and confirmed",
            cancellationToken: TestContext.Current.CancellationToken);
        var settledAfter = clock.Elapsed;
        await _system.SettleAsync();

        var orders = answers.Where(answer => answer.Status == HttpStatusCode.Created).ToList();
        var relayed = _system.Sidecar.PubSub.Messages(Topics.Orders);
        Report(answers, answeredAfter, settledAfter, relayed);

        // Exactly the stock was sold: one order for each of the first 24, "Sold out" for the others.
        Assert.Equal(Units, orders.Count);
        Assert.All(answers.Where(answer => answer.Status != HttpStatusCode.Created), answer => Assert.Equal((HttpStatusCode.Conflict, "Sold out"), (answer.Status, answer.Title)));
        Assert.Equal(new Fixture.StockLevels(sku, 0, 0, Units), await admin.GetStockAsync(sku));
        var changes = _system.Events<StockChanged>(Topics.Inventory).Where(change => change.Sku == sku).ToList();
        Assert.All(changes, change => Assert.True(change.Available >= 0 && change.Reserved >= 0, $"stock went to {change.Available}/{change.Reserved}"));
        // Every order settled in both models, charged once.
        Assert.Equal((Units, Units * SalePrice, 0), (figures!.UnitsSold, figures.Revenue["EUR"], figures.CancelledOrders));
        var ledgers = await _system.PaymentLedgersAsync(orders.Select(order => order.OrderId!));
        foreach (var order in orders)
        {
            var stored = _system.WriteModelOrder(order.OrderId!);
            Assert.Equal(("Confirmed", 2L), (stored.Status, stored.Version));
            Assert.Equal(stored.PaymentId, Assert.Single(ledgers[order.OrderId!].Charges).Outcome);
        }

        Assert.Empty(_system.Sidecar.PubSub.DeadLetters);
        // Ordering's outbox published each order's two events once, keyed by the order (Dapr's outbox carries no key).
        Assert.Equal(ordersEvents, relayed.Count);
        var placedType = CloudEventTypes.Of<OrderPlaced>().Type;
        Assert.All(orders, order =>
        {
            var placed = Assert.Single(relayed, message => message.EventType == placedType && message.Data<OrderPlaced>().OrderId == order.OrderId);
            Assert.Equal(order.OrderId, placed.PartitionKey);
            Assert.True(placed.Timestamp >= openedAt, "an order event was published before the sale opened");
        });
    }

    private static async Task<Answer> BuyAsync(Shopper buyer, string sku, Task opening)
    {
        await opening;
        var clickedAt = DateTimeOffset.UtcNow;
        using var response = await buyer.PlaceOrderAsync(sku, 1, Guid.NewGuid().ToString());
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        return response.StatusCode == HttpStatusCode.Created
            ? new(response.StatusCode, JsonSerializer.Deserialize<PlacedOrder>(body, JsonSerializerOptions.Web)!.Id, null, clickedAt)
            : new(response.StatusCode, null, JsonSerializer.Deserialize<Problem>(body, JsonSerializerOptions.Web)?.Title, clickedAt);
    }

    private void Report(IReadOnlyList<Answer> answers, TimeSpan answeredAfter, TimeSpan settledAfter, IReadOnlyList<BrokerMessage> relayed)
    {
        var relayWindow = relayed.Max(message => message.Timestamp) - relayed.Min(message => message.Timestamp);
        var report =
            $"Flash sale on {Timing.Name} timing: {Buyers} buyers for {Units} units -> {answers.Count(a => a.Status == HttpStatusCode.Created)} orders, "
            + $"all answered after {answeredAfter.TotalSeconds:0.00} s, settled in both models after {settledAfter.TotalSeconds:0.00} s. "
            + $"ordering's outbox published {relayed.Count} events in {relayWindow.TotalSeconds:0.00} s "
            + $"(daprd's outbox would have allowed {Timing.OutboxRelayPerPartitionPerSecond * (Timing.PartitionsOf(Topics.Orders) ?? 1):0.0}/s); "
            + $"one actor's ceiling {Timing.SingleActorCeilingPerSecond:0} calls/s, each carrying a batch of reservations.";
        output.WriteLine(report);
        TestContext.Current.SendDiagnosticMessage(report);
    }

    private sealed record Answer(HttpStatusCode Status, string? OrderId, string? Title, DateTimeOffset ClickedAt);
}
