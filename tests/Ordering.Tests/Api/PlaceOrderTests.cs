using System.Net;
using System.Net.Http.Json;
using System.Text;
using Dapr;
using FlashSale.Contracts.Orders;
using FlashSale.Ordering.Api;
using FlashSale.Ordering.Domain;
using Grpc.Core;
using Microsoft.AspNetCore.Http;
using FlashSale.ServiceDefaults;

namespace FlashSale.Ordering.Tests.Api;

public sealed class PlaceOrderTests(OrderingFactory factory) : OrderingTest(factory)
{
    [Fact]
    public async Task Placing_an_order_answers_201_with_its_location_and_saves_it_together_with_OrderPlaced()
    {
        var customer = NewCustomer();
        var first = NewSku(12.5m, stock: 10, out var sku1);
        var second = NewSku(0.99m, stock: 10, out var sku2);

        using var response = await PlaceAsync(customer, NewKey(), Body((sku1, 2), (sku2, 3)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var order = (await response.Content.ReadFromJsonAsync<OrderResponse>(ApiJson.Options, Cancellation))!;
        Assert.Equal($"/orders/{order.Id}", response.Headers.Location?.OriginalString);
        Assert.Equal(customer, order.CustomerId);
        Assert.Equal(OrderStatus.AwaitingPayment, order.Status);
        Assert.Equal([new(sku1, 2, 12.5m, 25m), new(sku2, 3, 0.99m, 2.97m)], order.Lines);
        Assert.Equal(27.97m, order.Total);
        Assert.Equal("EUR", order.Currency);
        Assert.Equal(1, order.Version);
        Assert.Equal(2, first.ReservedFor(order.Id));
        Assert.Equal(3, second.ReservedFor(order.Id));

        var stored = StoredOrder(order.Id);
        Assert.NotNull(stored);
        Assert.Equal(OrderStatus.AwaitingPayment, stored.Status);
        Assert.Equal(27.97m, stored.Total);

        var message = Assert.Single(await PublishedAboutAsync(order.Id));
        Assert.Equal("pubsub", message.PubSubName);
        Assert.Equal("flashsale.order.placed.v1", message.CloudEventType);
        Assert.Equal(order.Id, message.PartitionKey);
        var placed = message.Deserialize<OrderPlaced>();
        Assert.Equal(customer, placed.CustomerId);
        Assert.Equal([new(sku1, 2, 12.5m), new(sku2, 3, 0.99m)], placed.Lines);
        Assert.Equal(27.97m, placed.Total);
        Assert.Equal(1, placed.Version);
    }

    [Fact]
    public async Task When_the_order_transaction_fails_neither_the_order_nor_OrderPlaced_exists_and_the_stock_is_released()
    {
        var customer = NewCustomer();
        var stock = NewSku(5m, stock: 4, out var sku);
        var key = NewKey();
        await RelayedAsync();
        var publishedBefore = Dapr.Published.Count;
        var keysBefore = Dapr.Store(OrderingFactory.OrdersStore).Keys.Count;
        Dapr.BeforeStateTransaction = (_, _) => throw new DaprException("state store is down",
            new RpcException(new Status(StatusCode.Unavailable, "connection refused")));
        try
        {
            using var failed = await PlaceAsync(customer, key, Body((sku, 3)));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, failed.StatusCode);
            Assert.Equal("Temporarily unavailable", (await ProblemOf(failed)).Title);
        }
        finally
        {
            Dapr.BeforeStateTransaction = null;
        }

        await RelayedAsync();
        Assert.Equal(publishedBefore, Dapr.Published.Count);
        Assert.Equal(keysBefore, Dapr.Store(OrderingFactory.OrdersStore).Keys.Count);
        Assert.Equal(4, stock.Available);

        // Nothing was kept, so the same key may be retried and now succeeds.
        using var retried = await PlaceAsync(customer, key, Body((sku, 3)));
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.Equal(1, stock.Available);
    }

    [Fact]
    public async Task Replaying_an_idempotency_key_returns_the_same_order_without_placing_another()
    {
        var customer = NewCustomer();
        var stock = NewSku(3m, stock: 10, out var sku);
        var key = NewKey();

        using var first = await PlaceAsync(customer, key, Body((sku, 2)));
        using var replay = await PlaceAsync(customer, key, Body((sku, 2)));

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, replay.StatusCode);
        var order = (await first.Content.ReadFromJsonAsync<OrderResponse>(ApiJson.Options, Cancellation))!;
        var replayed = (await replay.Content.ReadFromJsonAsync<OrderResponse>(ApiJson.Options, Cancellation))!;
        Assert.Equal(order.Id, replayed.Id);
        Assert.Equal(first.Headers.Location, replay.Headers.Location);
        Assert.Single(await EventsAboutAsync<OrderPlaced>(order.Id));
        Assert.Equal(8, stock.Available);
    }

    [Fact]
    public async Task The_same_key_from_another_customer_is_another_order()
    {
        NewSku(3m, stock: 10, out var sku);
        var key = NewKey();

        using var mine = await PlaceAsync(NewCustomer(), key, Body((sku, 1)));
        using var theirs = await PlaceAsync(NewCustomer(), key, Body((sku, 1)));

        Assert.Equal(HttpStatusCode.Created, theirs.StatusCode);
        Assert.NotEqual(mine.Headers.Location, theirs.Headers.Location);
    }

    [Fact]
    public async Task Reusing_a_key_for_a_different_body_is_refused_with_422()
    {
        var customer = NewCustomer();
        NewSku(3m, stock: 10, out var sku);
        var key = NewKey();
        using var first = await PlaceAsync(customer, key, Body((sku, 1)));

        using var reused = await PlaceAsync(customer, key, Body((sku, 2)));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Equal("Idempotency-Key reused", (await ProblemOf(reused)).Title);
    }

    [Fact]
    public async Task Concurrent_requests_with_one_key_place_one_order_and_the_other_is_told_to_retry()
    {
        var customer = NewCustomer();
        var stock = NewSku(3m, stock: 10, out var sku);
        var key = NewKey();
        Factory.Catalog.HoldCalls();
        var first = PlaceAsync(customer, key, Body((sku, 1)));
        await Factory.Catalog.CallHeld.WaitAsync(TimeSpan.FromSeconds(10), Cancellation);

        using var second = await PlaceAsync(customer, key, Body((sku, 1)));
        Factory.Catalog.ReleaseCalls();
        using var winner = await first;

        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(1), second.Headers.RetryAfter?.Delta);
        Assert.Equal("Order in progress", (await ProblemOf(second)).Title);
        Assert.Equal(HttpStatusCode.Created, winner.StatusCode);
        Assert.Equal(9, stock.Available);

        using var retried = await PlaceAsync(customer, key, Body((sku, 1)));
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
        Assert.Equal(winner.Headers.Location, retried.Headers.Location);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("   ")]
    public async Task A_missing_or_blank_idempotency_key_is_a_400(string? key)
    {
        NewSku(3m, stock: 10, out var sku);

        using var response = await PlaceAsync(NewCustomer(), key, Body((sku, 1)));

        await AssertFieldErrorsAsync(response, "Idempotency-Key");
    }

    [Fact]
    public async Task An_idempotency_key_longer_than_100_characters_is_a_400()
    {
        NewSku(3m, stock: 10, out var sku);

        using var response = await PlaceAsync(NewCustomer(), new string('k', 101), Body((sku, 1)));

        await AssertFieldErrorsAsync(response, "Idempotency-Key");
    }

    public static TheoryData<string, string[]> MalformedBodies => new()
    {
        { """{}""", ["items"] },
        { """{"items":[]}""", ["items"] },
        { """{"items":[{"sku":"SKU-A","quantity":0}]}""", ["items[0].quantity"] },
        { """{"items":[{"sku":"SKU-A","quantity":11}]}""", ["items[0].quantity"] },
        { """{"items":[{"quantity":1}]}""", ["items[0].sku"] },
        { """{"items":[{"sku":" ","quantity":1},{"sku":"SKU-B","quantity":-1}]}""", ["items[0].sku", "items[1].quantity"] },
        { """{"items":[{"sku":"SKU-A","quantity":1},{"sku":"SKU-A","quantity":2}]}""", ["items[1].sku"] },
        { """{"items":[null]}""", ["items[0]"] },
        { """{"items":[{"sku":"SKU-A","quantity":"two"}]}""", ["items[0].quantity"] },
        // A number sent as a string is a wrong type too, as everywhere in FlashSale's APIs.
        { """{"items":[{"sku":"SKU-A","quantity":"1"}]}""", ["items[0].quantity"] },
        { """{"items":[{"sku":"SKU-A","quantity":1.5}]}""", ["items[0].quantity"] },
        { """{"items":{"sku":"SKU-A","quantity":1}}""", ["items"] },
        { """[]""", ["body"] },
        { """{"items":[{"sku":"SKU-A","quantity":1}""", ["body"] },
        { """not json""", ["body"] },
        { "{\"items\":[" + string.Join(',', Enumerable.Range(0, 21).Select(i => $"{{\"sku\":\"SKU-{i}\",\"quantity\":1}}")) + "]}", ["items"] },
        { "{\"items\":[{\"sku\":\"" + new string('X', 33) + "\",\"quantity\":1}]}", ["items[0].sku"] },
    };

    [Theory]
    [MemberData(nameof(MalformedBodies))]
    public async Task A_malformed_body_is_a_400_naming_each_bad_field(string json, string[] fields)
    {
        var client = Factory.CreateClientAs(NewCustomer(), "customer");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add("Idempotency-Key", NewKey());

        using var response = await client.SendAsync(request, Cancellation);

        await AssertFieldErrorsAsync(response, fields);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task An_order_body_over_16_KiB_is_a_413_and_reserves_nothing(bool declaresItsLength)
    {
        var stock = NewSku(4m, stock: 5, out var sku);
        // A valid order padded with whitespace: only its size is wrong.
        var json = $$"""{"items":[{"sku":"{{sku}}","quantity":1}]}""" + new string(' ', (int)OrdersEndpoints.MaxOrderBodyBytes);
        HttpContent content = declaresItsLength
            ? new StringContent(json, Encoding.UTF8, "application/json")
            : new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(json))) { Headers = { ContentType = new("application/json") } };
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = content };
        request.Headers.Add("Idempotency-Key", NewKey());
        if (!declaresItsLength)
        {
            request.Headers.TransferEncodingChunked = true;
        }

        using var response = await Factory.CreateClientAs(NewCustomer(), "customer").SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Request body too large", (await ProblemOf(response)).Title);
        Assert.Equal(5, stock.Available);
    }

    [Fact]
    public async Task A_body_that_is_not_json_is_a_415()
    {
        var client = Factory.CreateClientAs(NewCustomer(), "customer");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/orders") { Content = new StringContent("sku=A", Encoding.UTF8, "text/plain") };
        request.Headers.Add("Idempotency-Key", NewKey());

        using var response = await client.SendAsync(request, Cancellation);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task An_anonymous_caller_is_a_401()
    {
        using var response = await Factory.CreateClient().PostAsJsonAsync("/orders", Body(("A", 1)), Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Sold_out_on_the_second_line_is_a_409_naming_it_with_the_first_line_released_and_nothing_saved_or_published()
    {
        var customer = NewCustomer();
        var plenty = NewSku(2m, stock: 10, out var available);
        var scarce = NewSku(2m, stock: 1, out var soldOut);
        var key = NewKey();
        await RelayedAsync();
        var publishedBefore = Dapr.Published.Count;
        var keysBefore = Dapr.Store(OrderingFactory.OrdersStore).Keys.Where(k => k.StartsWith("order-", StringComparison.Ordinal)).Count();

        using var response = await PlaceAsync(customer, key, Body((available, 3), (soldOut, 2)));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var problem = await ProblemOf(response);
        Assert.Equal("Sold out", problem.Title);
        Assert.Contains(soldOut, problem.Detail);
        Assert.Equal(soldOut, Assert.Single(((System.Text.Json.JsonElement)problem.Extensions["skus"]!).EnumerateArray()).GetString());
        Assert.Equal(10, plenty.Available);
        Assert.Equal(1, scarce.Available);
        await RelayedAsync();
        Assert.Equal(publishedBefore, Dapr.Published.Count);
        Assert.Equal(keysBefore, Dapr.Store(OrderingFactory.OrdersStore).Keys.Count(k => k.StartsWith("order-", StringComparison.Ordinal)));

        // The refusal is the key's outcome: a retry gets the same answer even though stock came back meanwhile.
        await scarce.SetStockAsync(5);
        using var replay = await PlaceAsync(customer, key, Body((available, 3), (soldOut, 2)));
        Assert.Equal(HttpStatusCode.Conflict, replay.StatusCode);
        Assert.Equal("Sold out", (await ProblemOf(replay)).Title);
        Assert.Equal(5, scarce.Available);
    }

    [Fact]
    public async Task An_unknown_sku_is_a_422_naming_it_and_nothing_is_reserved()
    {
        var known = NewSku(2m, stock: 10, out var sku);
        var unknown = $"NOPE-{Guid.NewGuid():N}"[..12].ToUpperInvariant();

        using var response = await PlaceAsync(NewCustomer(), NewKey(), Body((sku, 1), (unknown, 1)));

        Assert.Equal(HttpStatusCode.UnprocessableEntity, response.StatusCode);
        var problem = await ProblemOf(response);
        Assert.Equal("Unknown SKU", problem.Title);
        Assert.Contains(unknown, problem.Detail);
        Assert.Equal(10, known.Available);
    }

    [Fact]
    public async Task When_the_catalog_is_unavailable_the_answer_is_503_and_the_same_key_works_once_it_is_back()
    {
        var customer = NewCustomer();
        var stock = NewSku(2m, stock: 10, out var sku);
        var key = NewKey();
        Factory.Catalog.Unavailable = true;
        try
        {
            using var unavailable = await PlaceAsync(customer, key, Body((sku, 1)));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, unavailable.StatusCode);
            Assert.Contains("catalog", (await ProblemOf(unavailable)).Detail);
            Assert.Equal(10, stock.Available);
        }
        finally
        {
            Factory.Catalog.Unavailable = false;
        }

        using var retried = await PlaceAsync(customer, key, Body((sku, 1)));
        Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
    }

    [Fact]
    public async Task When_a_stock_actor_is_unreachable_the_answer_is_503_and_the_lines_already_reserved_are_released()
    {
        var reachable = NewSku(2m, stock: 10, out var first);
        var unreachable = NewSku(2m, stock: 10, out var second);
        unreachable.Unreachable = true;

        using var response = await PlaceAsync(NewCustomer(), NewKey(), Body((first, 2), (second, 1)));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal(10, reachable.Available);
    }

    private async Task AssertFieldErrorsAsync(HttpResponseMessage response, params string[] fields)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = (await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>(ApiJson.Options, Cancellation))!;
        Assert.Equal(fields.Order(StringComparer.Ordinal), problem.Errors.Keys.Order(StringComparer.Ordinal));
        Assert.All(problem.Errors.Values, messages => Assert.NotEmpty(Assert.Single(messages)));
    }
}
