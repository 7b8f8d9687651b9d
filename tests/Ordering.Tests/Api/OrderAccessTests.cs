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
    public async Task The_write_side_serves_no_order_reads_which_order_query_answers()
    {
        // The gateway sends GET /api/orders/** to order-query, so a read here could only come from inside the mesh,
        // where nothing calls it: the endpoint is gone rather than left unguarded by any route.
        var customer = NewCustomer();
        NewSku(4m, stock: 5, out var sku);
        var placed = await PlaceOkAsync(customer, (sku, 2));

        using var asOwner = await Factory.CreateClientAs(customer, "customer").GetAsync($"/orders/{placed.Id}", Cancellation);
        using var asAdmin = await Factory.CreateClientAs("admin-1", "customer", "admin").GetAsync($"/orders/{placed.Id}", Cancellation);
        var paths = (await Factory.CreateClient().GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>("/openapi/v1.json", Cancellation))!["paths"]!.AsObject();

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (asOwner.StatusCode, asAdmin.StatusCode));
        Assert.Equal(["/orders", "/orders/{id}/cancel"], paths.Select(path => path.Key).Order());
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
