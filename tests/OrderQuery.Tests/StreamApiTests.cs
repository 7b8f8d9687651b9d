using System.Net;
using System.Net.ServerSentEvents;
using System.Text.Json;
using FlashSale.Contracts;
using FlashSale.Contracts.Orders;
using FlashSale.Messaging;
using FlashSale.OrderQuery.Api;
using FlashSale.OrderQuery.Domain;
using FlashSale.ServiceDefaults;
using FlashSale.TestSupport;

namespace FlashSale.OrderQuery.Tests;

/// <summary>
/// The live streams: each sends the current state at once, then every change; a reconnect with Last-Event-ID is not
/// sent the state it already holds, but the next change; and they are authorized like the REST reads.
/// </summary>
public sealed class StreamApiTests(OrderQueryFactory factory) : IClassFixture<OrderQueryFactory>
{
    private readonly CloudEventPoster _sidecar = factory.CreateSidecar();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task The_owner_sees_the_order_turn_confirmed_and_a_reconnect_resumes_after_the_last_event()
    {
        var story = OrderStory.New(customerId: "stream-owner");
        await DeliverAsync(story.Placed);

        string lastId;
        await using (var stream = await OpenAsync(factory.CreateClientAs("stream-owner", Roles.Customer), $"/stream/orders/{story.OrderId}"))
        {
            var placed = await stream.NextAsync();
            Assert.Equal(("order", "AwaitingPayment"), (placed.EventType, Status(placed)));
            await DeliverAsync(story.Paid, story.Confirmed);
            var confirmed = await stream.NextUntilAsync(item => Status(item) == "Confirmed");
            lastId = confirmed.EventId!;
        }

        // Resumes with what it holds: the first event it gets is the next change, not the confirmed state again.
        await using var resumed = await OpenAsync(factory.CreateClientAs("stream-owner", Roles.Customer), $"/stream/orders/{story.OrderId}", lastId);
        await DeliverAsync(story.RefundRequested);
        var next = await resumed.NextAsync();
        Assert.NotEqual(lastId, next.EventId);
        Assert.NotNull(JsonDocument.Parse(next.Data).RootElement.GetProperty("refundRequestedAt").GetString());
    }

    [Fact]
    public async Task A_reconnect_holding_an_older_event_gets_the_current_state_at_once()
    {
        var story = OrderStory.New(customerId: "stream-stale");
        await DeliverAsync(story.Placed);
        string placedId;
        await using (var first = await OpenAsync(factory.CreateClientAs("stream-stale", Roles.Customer), $"/stream/orders/{story.OrderId}"))
        {
            placedId = (await first.NextAsync()).EventId!;
        }

        await DeliverAsync(story.Paid, story.Confirmed);
        await using var resumed = await OpenAsync(factory.CreateClientAs("stream-stale", Roles.Customer), $"/stream/orders/{story.OrderId}", placedId);

        Assert.Equal("Confirmed", Status(await resumed.NextAsync()));
    }

    [Fact]
    public async Task Another_customer_gets_404_for_an_order_stream_and_customers_403_for_the_sales_stream()
    {
        var story = OrderStory.New(customerId: "stream-someone");
        await DeliverAsync(story.Placed);

        using var stranger = await factory.CreateClientAs("stream-stranger", Roles.Customer).GetAsync($"/stream/orders/{story.OrderId}", Cancellation);
        using var customerOnSales = await factory.CreateClientAs("stream-stranger", Roles.Customer).GetAsync("/stream/sales", Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        Assert.Equal("application/problem+json", stranger.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, customerOnSales.StatusCode);
    }

    [Fact]
    public async Task Anyone_follows_the_remaining_stock_and_admins_the_units_sold()
    {
        var sku = $"SKU-{Guid.NewGuid():N}";
        await DeliverAsync(Events.ProductUpdated("Stream Tee", 1, sku), Events.StockChanged(available: 5, sequence: 1, sku));

        await using var stock = await OpenAsync(factory.CreateClient(), "/stream/stock");
        await using var sales = await OpenAsync(factory.CreateAdmin(), "/stream/sales");
        await stock.NextUntilAsync(item => RemainingOf(item, sku) == 5);
        await sales.NextUntilAsync(item => UnitsSoldOf(item, sku) == 0);

        var story = OrderStory.New(lines: new OrderLine(sku, 2, 10m));
        await DeliverAsync(story.Placed, Events.StockChanged(available: 3, sequence: 2, sku), story.Paid, story.Confirmed);

        await stock.NextUntilAsync(item => RemainingOf(item, sku) == 3);
        await sales.NextUntilAsync(item => UnitsSoldOf(item, sku) == 2);
    }

    private static string Status(SseItem<string> item) => JsonDocument.Parse(item.Data).RootElement.GetProperty("status").GetString()!;

    private static int? RemainingOf(SseItem<string> item, string sku) =>
        JsonDocument.Parse(item.Data).RootElement.GetProperty("skus").EnumerateArray()
            .Where(entry => entry.GetProperty("sku").GetString() == sku)
            .Select(entry => entry.GetProperty("remainingStock").ValueKind == JsonValueKind.Number ? entry.GetProperty("remainingStock").GetInt32() : (int?)null)
            .FirstOrDefault();

    private static int? UnitsSoldOf(SseItem<string> item, string sku) =>
        JsonDocument.Parse(item.Data).RootElement.GetProperty("skus").EnumerateArray()
            .Where(entry => entry.GetProperty("sku").GetString() == sku)
            .Select(entry => (int?)entry.GetProperty("unitsSold").GetInt32())
            .FirstOrDefault();

    private async Task DeliverAsync(params IIntegrationEvent[] events)
    {
        foreach (var integrationEvent in events)
        {
            Assert.Equal(EventOutcome.Success, (await _sidecar.DeliverAsync(integrationEvent, cancellationToken: Cancellation)).Outcome);
        }
    }

    private static async Task<EventStream> OpenAsync(HttpClient client, string path, string? lastEventId = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }

        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        return new EventStream(response, await response.Content.ReadAsStreamAsync(Cancellation));
    }

    /// <summary>An open stream's events in order, each awaited with the test deadline.</summary>
    private sealed class EventStream(HttpResponseMessage response, Stream body) : IAsyncDisposable
    {
        private readonly CancellationTokenSource _deadline = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        private readonly IAsyncEnumerator<SseItem<string>> _items = SseParser.Create(body).EnumerateAsync(Cancellation).GetAsyncEnumerator(Cancellation);

        public async Task<SseItem<string>> NextAsync()
        {
            var next = _items.MoveNextAsync().AsTask();
            var finished = await Task.WhenAny(next, Task.Delay(Eventually.Deadline, Cancellation));
            Assert.True(finished == next && await next, $"no event within {Eventually.Deadline}");
            return _items.Current;
        }

        public async Task<SseItem<string>> NextUntilAsync(Func<SseItem<string>, bool> condition)
        {
            while (true)
            {
                var item = await NextAsync();
                if (condition(item))
                {
                    return item;
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _deadline.CancelAsync();
            response.Dispose();
            _deadline.Dispose();
            try
            {
                await _items.DisposeAsync();
            }
            catch (OperationCanceledException)
            {
                // The stream was cut under the reader: what disposing means here.
            }
        }
    }
}
