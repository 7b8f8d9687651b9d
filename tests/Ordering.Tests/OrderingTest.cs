using System.Net.Http.Json;
using FlashSale.Contracts.Orders;
using FlashSale.Ordering.Api;
using FlashSale.Ordering.Domain;
using FlashSale.Ordering.Infrastructure.Outbox;
using Microsoft.Extensions.DependencyInjection;
using FlashSale.Ordering.Tests.Fakes;
using FlashSale.TestSupport;
using FlashSale.ServiceDefaults;

namespace FlashSale.Ordering.Tests;

/// <summary>
/// Shared steps of the component tests. Each test works with its own customer and SKUs, so tests of a class share one
/// host without seeing each other's data.
/// </summary>
public abstract class OrderingTest(OrderingFactory factory) : IClassFixture<OrderingFactory>
{
    protected OrderingFactory Factory { get; } = factory;

    protected InMemoryDapr Dapr => Factory.Dapr;

    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    protected static string NewCustomer() => $"customer-{Guid.NewGuid():N}";

    protected static string NewKey() => Guid.NewGuid().ToString();

    /// <summary>A SKU the catalog prices at <paramref name="price"/> with <paramref name="stock"/> units.</summary>
    protected FakeStockActor NewSku(decimal price, int stock, out string sku)
    {
        sku = $"SKU-{Guid.NewGuid():N}"[..16].ToUpperInvariant();
        Factory.Catalog.SetPrice(sku, price);
        var actor = Factory.Stock[sku];
        actor.SetStockAsync(stock).GetAwaiter().GetResult();
        return actor;
    }

    protected static object Body(params (string Sku, int Quantity)[] items) =>
        new { items = items.Select(item => new { sku = item.Sku, quantity = item.Quantity }) };

    protected Task<HttpResponseMessage> PlaceAsync(string customer, string? idempotencyKey, object body)
    {
        var client = Factory.CreateClientAs(customer, "customer");
        var request = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = JsonContent.Create(body) };
        if (idempotencyKey is not null)
        {
            request.Headers.Add("Idempotency-Key", idempotencyKey);
        }

        return client.SendAsync(request, Cancellation);
    }

    /// <summary>Places an order that must succeed and returns it as the API answered.</summary>
    protected async Task<OrderResponse> PlaceOkAsync(string customer, params (string Sku, int Quantity)[] items)
    {
        using var response = await PlaceAsync(customer, NewKey(), Body(items));
        Assert.Equal(System.Net.HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<OrderResponse>(ApiJson.Options, Cancellation))!;
    }

    /// <summary>Waits until the outbox relay has published and deleted every entry saved so far.</summary>
    protected Task RelayedAsync() => Eventually.MatchesAsync(
        () => Factory.Services.GetRequiredService<OrderOutbox>().Pending, pending => pending == 0, "the outbox relay to catch up",
        cancellationToken: Cancellation);

    protected async Task<IReadOnlyList<PublishedMessage>> PublishedAboutAsync(string orderId)
    {
        await RelayedAsync();
        return Dapr.Published.Where(message => message.Topic == "orders" && message.PartitionKey == orderId).ToList();
    }

    protected async Task<IReadOnlyList<T>> EventsAboutAsync<T>(string orderId) where T : class
    {
        await RelayedAsync();
        return Dapr.PublishedEvents<T>("orders").Where(e => e switch
        {
            OrderPlaced placed => placed.OrderId == orderId,
            OrderConfirmed confirmed => confirmed.OrderId == orderId,
            OrderCancelled cancelled => cancelled.OrderId == orderId,
            RefundRequested refund => refund.OrderId == orderId,
            _ => false,
        }).ToList();
    }

    protected Order? StoredOrder(string orderId) => Dapr.ReadState<Order>(OrderingFactory.OrdersStore, $"order-{orderId}");

    protected async Task<Microsoft.AspNetCore.Mvc.ProblemDetails> ProblemOf(HttpResponseMessage response)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<Microsoft.AspNetCore.Mvc.ProblemDetails>(Cancellation))!;
    }
}
