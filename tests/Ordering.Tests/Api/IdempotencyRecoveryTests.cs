using System.Net;
using System.Net.Http.Json;
using FlashSale.Contracts.Orders;
using FlashSale.Ordering.Api;
using FlashSale.Ordering.Application;
using FlashSale.Ordering.Domain;
using FlashSale.Ordering.Infrastructure;
using FlashSale.ServiceDefaults;

namespace FlashSale.Ordering.Tests.Api;

/// <summary>
/// A request that crashed mid-placement leaves its idempotency claim in progress. These tests leave such a claim in the
/// store (as the crashed request would have) and check what a retry with the same key gets.
/// </summary>
public sealed class IdempotencyRecoveryTests(OrderingFactory factory) : OrderingTest(factory)
{
    [Fact]
    public async Task A_claim_younger_than_its_lease_is_in_progress()
    {
        var customer = NewCustomer();
        NewSku(2m, stock: 5, out var sku);
        var key = NewKey();
        LeaveClaim(customer, key, sku, quantity: 1, claimedAgo: TimeSpan.FromSeconds(5), out _);

        using var response = await PlaceAsync(customer, key, Body((sku, 1)));

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
    }

    [Fact]
    public async Task A_claim_whose_order_was_saved_answers_with_that_order()
    {
        var customer = NewCustomer();
        NewSku(2m, stock: 5, out var sku);
        var key = NewKey();
        LeaveClaim(customer, key, sku, quantity: 1, claimedAgo: TimeSpan.FromSeconds(5), out var orderId);
        // The crashed request got as far as saving its order.
        Dapr.WriteState(OrderingFactory.OrdersStore, $"order-{orderId}",
            Order.Place(orderId, customer, [new FlashSale.Ordering.Domain.OrderLine(sku, 1, 2m)], "EUR", Factory.Clock.GetUtcNow()));

        using var response = await PlaceAsync(customer, key, Body((sku, 1)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(orderId, (await response.Content.ReadFromJsonAsync<OrderResponse>(ApiJson.Options, Cancellation))!.Id);
        Assert.Empty(await EventsAboutAsync<OrderPlaced>(orderId));
    }

    [Fact]
    public async Task An_abandoned_claim_is_taken_over_after_its_lease_under_its_order_id_with_its_reservation()
    {
        var customer = NewCustomer();
        var stock = NewSku(2m, stock: 5, out var sku);
        var key = NewKey();
        LeaveClaim(customer, key, sku, quantity: 2, claimedAgo: PlacementTimeouts.ClaimLease + TimeSpan.FromSeconds(1), out var abandoned);
        stock.Reserve(abandoned, 2);

        using var response = await PlaceAsync(customer, key, Body((sku, 2)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(abandoned, (await response.Content.ReadFromJsonAsync<OrderResponse>(ApiJson.Options, Cancellation))!.Id);
        Assert.Equal(2, stock.ReservedFor(abandoned));
        Assert.Equal(3, stock.Available);
        Assert.Single(await EventsAboutAsync<OrderPlaced>(abandoned));
    }

    [Fact]
    public async Task A_claim_older_than_its_reservations_is_taken_over_under_a_new_order_id_that_reserves_afresh()
    {
        var customer = NewCustomer();
        var stock = NewSku(2m, stock: 5, out var sku);
        var key = NewKey();
        LeaveClaim(customer, key, sku, quantity: 2, claimedAgo: PlacementTimeouts.OrderIdReuseLimit + TimeSpan.FromSeconds(1), out var abandoned);
        // Its reservation has gone back to stock; the actor still answers a repeated Reserve of that order id with "reserved".
        stock.Reserve(abandoned, 2);
        stock.Release(abandoned);

        using var response = await PlaceAsync(customer, key, Body((sku, 2)));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var order = (await response.Content.ReadFromJsonAsync<OrderResponse>(ApiJson.Options, Cancellation))!;
        Assert.NotEqual(abandoned, order.Id);
        Assert.Equal(2, stock.ReservedFor(order.Id));
        Assert.Equal(3, stock.Available);
    }

    private void LeaveClaim(string customer, string key, string sku, int quantity, TimeSpan claimedAgo, out string orderId)
    {
        orderId = Guid.NewGuid().ToString("N");
        var requestHash = new PlaceOrderCommand(customer, key, [(sku, quantity)]).RequestHash;
        Dapr.WriteState(OrderingFactory.OrdersStore, IdempotencyStore.KeyFor(customer, key),
            new IdempotencyRecord(requestHash, orderId, Factory.Clock.GetUtcNow() - claimedAgo, Outcome: null));
    }
}
