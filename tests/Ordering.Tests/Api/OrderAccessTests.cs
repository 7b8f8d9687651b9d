using System.Net;
using System.Net.Http.Json;
using FlashSale.Contracts.Orders;
using FlashSale.Ordering.Api;
using FlashSale.Ordering.Domain;
using FlashSale.ServiceDefaults;

namespace FlashSale.Ordering.Tests.Api;

public sealed class OrderAccessTests(OrderingFactory factory) : OrderingTest(factory)
{
    [Fact]
    public async Task The_owner_reads_their_order()
    {
        var customer = NewCustomer();
        NewSku(4m, stock: 5, out var sku);
        var placed = await PlaceOkAsync(customer, (sku, 2));

        var order = await Factory.CreateClientAs(customer, "customer").GetFromJsonAsync<OrderResponse>($"/orders/{placed.Id}", ApiJson.Options, Cancellation);

        Assert.Equivalent(placed, order, strict: true);
    }

    [Fact]
    public async Task Another_customer_gets_404_as_if_the_order_did_not_exist()
    {
        NewSku(4m, stock: 5, out var sku);
        var placed = await PlaceOkAsync(NewCustomer(), (sku, 1));
        var stranger = Factory.CreateClientAs(NewCustomer(), "customer");

        using var theirs = await stranger.GetAsync($"/orders/{placed.Id}", Cancellation);
        using var missing = await stranger.GetAsync($"/orders/{Guid.NewGuid():N}", Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal((await ProblemOf(missing)).Title, (await ProblemOf(theirs)).Title);
    }

    [Fact]
    public async Task An_admin_reads_any_order()
    {
        NewSku(4m, stock: 5, out var sku);
        var placed = await PlaceOkAsync(NewCustomer(), (sku, 1));

        using var response = await Factory.CreateClientAs("admin-1", "customer", "admin").GetAsync($"/orders/{placed.Id}", Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Cancelling_an_unpaid_order_releases_its_stock_and_publishes_OrderCancelled()
    {
        var customer = NewCustomer();
        var first = NewSku(4m, stock: 5, out var sku1);
        var second = NewSku(1m, stock: 5, out var sku2);
        var placed = await PlaceOkAsync(customer, (sku1, 2), (sku2, 1));
        var client = Factory.CreateClientAs(customer, "customer");

        using var response = await client.PostAsync($"/orders/{placed.Id}/cancel", null, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var order = (await response.Content.ReadFromJsonAsync<OrderResponse>(ApiJson.Options, Cancellation))!;
        Assert.Equal(OrderStatus.Cancelled, order.Status);
        Assert.Equal(2, order.Version);
        Assert.Equal(5, first.Available);
        Assert.Equal(5, second.Available);
        var cancelled = Assert.Single(await EventsAboutAsync<OrderCancelled>(placed.Id));
        Assert.Equal(2, cancelled.Version);
        Assert.Equal("cancelled by the customer", cancelled.Reason);
        Assert.Equal(placed.Id, (await PublishedAboutAsync(placed.Id))[^1].PartitionKey);

        using var again = await client.PostAsync($"/orders/{placed.Id}/cancel", null, Cancellation);
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        Assert.Single(await EventsAboutAsync<OrderCancelled>(placed.Id));
    }

    [Fact]
    public async Task An_admin_may_cancel_a_customers_order_but_another_customer_gets_404()
    {
        NewSku(4m, stock: 5, out var sku);
        var placed = await PlaceOkAsync(NewCustomer(), (sku, 1));

        using var stranger = await Factory.CreateClientAs(NewCustomer(), "customer").PostAsync($"/orders/{placed.Id}/cancel", null, Cancellation);
        using var admin = await Factory.CreateClientAs("admin-1", "admin").PostAsync($"/orders/{placed.Id}/cancel", null, Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, stranger.StatusCode);
        Assert.Equal(HttpStatusCode.OK, admin.StatusCode);
        Assert.Equal("cancelled by an administrator", Assert.Single(await EventsAboutAsync<OrderCancelled>(placed.Id)).Reason);
    }
}
