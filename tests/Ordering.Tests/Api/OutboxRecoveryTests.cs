using System.Net.Http.Json;
using FlashSale.Contracts.Orders;
using FlashSale.Ordering.Api;
using FlashSale.Ordering.Infrastructure.Outbox;
using FlashSale.TestSupport;
using FlashSale.TestSupport.Sidecar;

namespace FlashSale.Ordering.Tests.Api;

/// <summary>
/// Ordering's own outbox (docs/adr/0019): an order and its event are saved in one transaction, and a process that
/// stops after the commit but before the publish loses no event, because another ordering process publishes what it
/// left once its lease has run out.
/// </summary>
public sealed class OutboxRecoveryTests : IAsyncDisposable
{
    private readonly InMemoryDapr _dapr = new();
    private readonly OrderingFactory _crashing;
    private readonly OrderingFactory _survivor;

    public OutboxRecoveryTests()
    {
        _crashing = new OrderingFactory(_dapr);
        _survivor = new OrderingFactory(_dapr);
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task An_event_committed_by_a_process_that_stopped_before_publishing_it_is_published_by_another_process()
    {
        var sku = "SKU-OUTBOXCRASH1";
        _crashing.Catalog.SetPrice(sku, 10m);
        await _crashing.Stock[sku].SetStockAsync(5);

        // The broker is down when the order commits: its entry stays saved. The process then stops for good; its
        // clock never moves again, so it neither retries nor tells anyone it is alive, as a killed pod would.
        OrderResponse placed;
        using (_dapr.SimulateBrokerOutage())
        {
            var refusedBefore = _dapr.RefusedPublishes;
            using var response = await PlaceAsync(sku);
            Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
            placed = (await response.Content.ReadFromJsonAsync<OrderResponse>(ServiceDefaults.ApiJson.Options, Cancellation))!;
            // The relay publishes after the 201, in the background: the outage lasts until its attempt has failed.
            await Eventually.MatchesAsync(() => _dapr.RefusedPublishes, refused => refused > refusedBefore,
                "the relay's publish to be refused", cancellationToken: Cancellation);
        }

        Assert.Empty(PlacedEventsOf(placed.Id));
        Assert.Single(OutboxEntryKeys());

        // Another process starts; once the stopped one has been silent for longer than its lease, it takes over.
        _ = _survivor.Services;
        var published = await Eventually.MatchesAsync(() =>
        {
            _survivor.Clock.Advance(new OutboxOptions().HeartbeatInterval);
            return PlacedEventsOf(placed.Id);
        }, events => events.Count > 0, "the other process to publish the stopped one's event", cancellationToken: Cancellation);

        var placedEvent = Assert.Single(published);
        Assert.Equal((placed.Id, 1L), (placedEvent.OrderId, placedEvent.Version));
        await Eventually.MatchesAsync(OutboxEntryKeys, keys => keys.Count == 0, "the recovered entry to be deleted", cancellationToken: Cancellation);
        Assert.Single(_dapr.Published, message => message.Topic == "orders" && message.PartitionKey == placed.Id);
    }

    [Fact]
    public void The_relay_takes_a_thousand_orders_a_second_per_replica_on_Daprs_modelled_timing()
    {
        // Worst case per order: OrderPlaced, OrderCancelled and RefundRequested. Each relayed event costs one publish and
        // one state delete through the sidecar; the relay runs Concurrency of them at once (docs/adr/0019).
        const int EventsPerOrder = 3;
        var timing = PlatformTiming.Dapr117;
        var options = new OutboxOptions();

        var perEvent = timing.Publish + timing.StateOperation;
        var ordersPerSecond = options.Concurrency / (EventsPerOrder * perEvent.TotalSeconds);

        Assert.InRange(ordersPerSecond, 1_000, double.MaxValue);
        // The relay this replaces: one event per second per partition of daprd's internal topic, 12 partitions.
        Assert.True(ordersPerSecond > 100 * timing.OutboxRelayPerPartitionPerSecond * 12 / EventsPerOrder);
    }

    public async ValueTask DisposeAsync()
    {
        await _crashing.DisposeAsync();
        await _survivor.DisposeAsync();
    }

    private Task<HttpResponseMessage> PlaceAsync(string sku)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/orders")
        {
            Content = JsonContent.Create(new { items = new[] { new { sku, quantity = 1 } } }),
            Headers = { { "Idempotency-Key", Guid.NewGuid().ToString() } },
        };
        return _crashing.CreateClientAs("customer-outbox", "customer").SendAsync(request, Cancellation);
    }

    private IReadOnlyList<OrderPlaced> PlacedEventsOf(string orderId) =>
        _dapr.PublishedEvents<OrderPlaced>("orders").Where(placed => placed.OrderId == orderId).ToList();

    private IReadOnlyList<string> OutboxEntryKeys() =>
        _dapr.Store(OrderingFactory.OrdersStore).Keys.Where(key => key.StartsWith("outbox-", StringComparison.Ordinal)
            && !key.StartsWith("outbox-writer", StringComparison.Ordinal)).ToList();
}
