using System.Net;
using System.Net.Http.Json;
using Dapr;
using FlashSale.Contracts.Orders;
using FlashSale.Ordering.Api;
using FlashSale.Ordering.Application;
using FlashSale.Ordering.Domain;
using FlashSale.Ordering.Infrastructure;
using Grpc.Core;
using FlashSale.ServiceDefaults;

namespace FlashSale.Ordering.Tests.Api;

/// <summary>
/// A request still alive when its claim's lease ends (its save stalled in the store) is overtaken by the client's retry
/// with the same key. Both run for real through HTTP; the stalled save is the first order transaction, held in the
/// store's hook while the clock passes the lease and the retry runs.
/// </summary>
public sealed class OvertakenPlacementTests(OrderingFactory factory) : OrderingTest(factory)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_retry_that_overtakes_a_stalled_save_and_the_stalled_request_answer_with_one_order()
    {
        var customer = NewCustomer();
        var stock = NewSku(4m, stock: 5, out var sku);
        var key = NewKey();
        HttpResponseMessage? retried = null;
        OnOrderSave(save =>
        {
            if (save == 1)
            {
                PassTheLease();
                retried = WaitFor(PlaceAsync(customer, key, Body((sku, 2))));
            }
        });
        HttpResponseMessage original;
        try
        {
            original = await PlaceAsync(customer, key, Body((sku, 2)));
        }
        finally
        {
            Dapr.BeforeStateTransaction = null;
        }

        using (original)
        using (retried)
        {
            Assert.Equal(HttpStatusCode.Created, original.StatusCode);
            Assert.Equal(HttpStatusCode.Created, retried!.StatusCode);
            var order = (await original.Content.ReadFromJsonAsync<OrderResponse>(ApiJson.Options, Cancellation))!;
            Assert.Equal(order.Id, (await retried.Content.ReadFromJsonAsync<OrderResponse>(ApiJson.Options, Cancellation))!.Id);
            Assert.Equal([order.Id], OrderIdsOf(customer));
            await RelayedAsync();
            Assert.Single(Dapr.PublishedEvents<OrderPlaced>("orders"), placed => placed.CustomerId == customer);
            Assert.Equal(2, stock.ReservedFor(order.Id));
            Assert.Equal(3, stock.Available);
        }
    }

    [Fact]
    public async Task An_overtaken_request_whose_save_fails_leaves_its_reservations_to_the_retry()
    {
        var customer = NewCustomer();
        var stock = NewSku(4m, stock: 5, out var sku);
        var key = NewKey();
        using var retryAtSave = new SemaphoreSlim(0);
        using var originalAnswered = new SemaphoreSlim(0);
        Task<HttpResponseMessage>? retry = null;
        OnOrderSave(save =>
        {
            if (save == 1)
            {
                // The original's save stalls past the lease, the retry takes over and gets as far as its own save,
                // then the original's save fails.
                PassTheLease();
                retry = PlaceAsync(customer, key, Body((sku, 2)));
                Await(retryAtSave);
                throw new DaprException("state store is down", new RpcException(new Status(StatusCode.Unavailable, "connection refused")));
            }

            retryAtSave.Release();
            Await(originalAnswered);
        });
        try
        {
            using var original = await PlaceAsync(customer, key, Body((sku, 2)));

            Assert.Equal(HttpStatusCode.ServiceUnavailable, original.StatusCode);
            var orderId = Dapr.ReadState<IdempotencyRecord>(OrderingFactory.OrdersStore, IdempotencyStore.KeyFor(customer, key))!.OrderId;
            Assert.Equal(2, stock.ReservedFor(orderId));
            originalAnswered.Release();

            using var retried = await retry!;
            Assert.Equal(HttpStatusCode.Created, retried.StatusCode);
            Assert.Equal(orderId, (await retried.Content.ReadFromJsonAsync<OrderResponse>(ApiJson.Options, Cancellation))!.Id);
            Assert.Equal([orderId], OrderIdsOf(customer));
            Assert.Equal(2, stock.ReservedFor(orderId));
            Assert.Equal(3, stock.Available);
        }
        finally
        {
            Dapr.BeforeStateTransaction = null;
            originalAnswered.Release();
        }
    }

    /// <summary>Runs <paramref name="hook"/> at the start of every order transaction, with its number (1 = first).</summary>
    private void OnOrderSave(Action<int> hook)
    {
        var saves = 0;
        Dapr.BeforeStateTransaction = (store, _) =>
        {
            if (store == OrderingFactory.OrdersStore)
            {
                hook(Interlocked.Increment(ref saves));
            }
        };
    }

    private void PassTheLease() => Factory.Clock.Advance(PlacementTimeouts.ClaimLease + TimeSpan.FromSeconds(1));

    private List<string> OrderIdsOf(string customer)
    {
        var store = Dapr.Store(OrderingFactory.OrdersStore);
        return store.Keys.Where(key => key.StartsWith("order-", StringComparison.Ordinal))
            .Select(key => Dapr.ReadState<Order>(OrderingFactory.OrdersStore, key)!)
            .Where(order => order.CustomerId == customer)
            .Select(order => order.Id)
            .ToList();
    }

    // The store's hook is synchronous, as a stalled store call is: it blocks the calling request's thread.
    private static HttpResponseMessage WaitFor(Task<HttpResponseMessage> response) =>
        response.WaitAsync(Deadline, Cancellation).GetAwaiter().GetResult();

    private static void Await(SemaphoreSlim signal)
    {
        if (!signal.Wait(Deadline, Cancellation))
        {
            throw new TimeoutException("The other request did not get there in time");
        }
    }
}
