using Dapr;
using Dapr.Client;
using FlashSale.TestSupport;
using FlashSale.TestSupport.Sidecar;
using Grpc.Core;

namespace FlashSale.EndToEnd.Tests.Sidecar;

/// <summary>The project's own <c>components/</c> as the stand-in reads them, and the state API's contracts.</summary>
public sealed class SidecarComponentsTests
{
    private static readonly DaprComponents Components = DaprComponents.LoadFromRepository();
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public void The_repository_components_declare_the_stores_pubsub_and_scopes_and_no_store_relays_through_daprs_outbox()
    {
        Assert.All(Components.All.Where(component => component.IsStateStore), store => Assert.Null(store.Outbox));
        Assert.Equal(["ordering"], Components.Find("orders-store")!.Scopes);
        Assert.Equal("inventory-store", Components.ActorStateStoreFor("inventory")!.Name);
        Assert.Null(Components.ActorStateStoreFor("ordering"));
        Assert.Equal("state.redis", Components.Find("orderview-store")!.Type);
        var pubsub = Components.Find("pubsub")!;
        Assert.True(pubsub.IsPubSub);
        Assert.False(pubsub.IsVisibleTo("gateway"));
        Assert.All(["catalog", "inventory", "ordering", "payment", "order-query"], app => Assert.True(pubsub.IsVisibleTo(app)));
    }

    [Fact]
    public async Task An_app_outside_a_stores_scopes_cannot_use_it_as_in_the_cluster()
    {
        var dapr = new InMemoryDapr().UseComponents(Components);

        var failure = await Assert.ThrowsAsync<DaprException>(() =>
            new InMemoryDaprClient(dapr, "payment").SaveStateAsync("orders-store", "o-1", new { total = 1 }, cancellationToken: Token));
        await new InMemoryDaprClient(dapr, "ordering").SaveStateAsync("orders-store", "o-1", new { total = 1 }, cancellationToken: Token);

        var status = Assert.IsType<RpcException>(failure.InnerException).Status;
        Assert.Equal((StatusCode.InvalidArgument, "state store orders-store is not found"), (status.StatusCode, status.Detail));
        Assert.NotNull(dapr.Store("orders-store").Get("o-1"));
    }

    [Fact]
    public async Task Undeclared_stores_and_pubsubs_and_unscoped_publishers_fail()
    {
        var dapr = new InMemoryDapr().UseComponents(Components);
        var ordering = new InMemoryDaprClient(dapr, "ordering");

        var noStore = await Assert.ThrowsAsync<DaprException>(() => ordering.GetStateAsync<string>("statestore", "k", cancellationToken: Token));
        var noPubSub = await Assert.ThrowsAsync<DaprException>(() => ordering.PublishEventAsync("kafka", "orders", new { }, Token));
        var unscoped = await Assert.ThrowsAsync<DaprException>(() => new InMemoryDaprClient(dapr, "gateway").PublishEventAsync("pubsub", "orders", new { }, Token));

        Assert.Equal("state store statestore is not found", Assert.IsType<RpcException>(noStore.InnerException).Status.Detail);
        Assert.Equal("pubsub kafka not found", Assert.IsType<RpcException>(noPubSub.InnerException).Status.Detail);
        Assert.Equal(StatusCode.InvalidArgument, Assert.IsType<RpcException>(unscoped.InnerException).StatusCode);
        Assert.Empty(dapr.Published);
    }

    [Fact]
    public async Task Without_components_any_store_and_pubsub_name_works_for_single_service_tests()
    {
        var dapr = new InMemoryDapr();
        var client = new InMemoryDaprClient(dapr, "anything");

        await client.SaveStateAsync("whatever-store", "k", "v", cancellationToken: Token);
        await client.PublishEventAsync("whatever-pubsub", "t", new { }, Token);

        Assert.Equal("v", dapr.ReadState<string>("whatever-store", "k"));
        Assert.Single(dapr.Published);
    }

    [Fact]
    public async Task A_stale_ETag_fails_a_save_with_Aborted_but_a_transaction_with_Internal_and_writes_nothing()
    {
        var dapr = new InMemoryDapr().UseComponents(Components);
        var ordering = new InMemoryDaprClient(dapr, "ordering");
        await ordering.SaveStateAsync("orders-store", "a", 1, cancellationToken: Token);
        var (_, etag) = await ordering.GetStateAndETagAsync<int>("orders-store", "a", cancellationToken: Token);
        await ordering.SaveStateAsync("orders-store", "a", 2, cancellationToken: Token);

        var saved = await ordering.TrySaveStateAsync("orders-store", "a", 3, etag, cancellationToken: Token);
        var save = await Assert.ThrowsAsync<DaprException>(() =>
            ordering.SaveBulkStateAsync("orders-store", [new SaveStateItem<int>("a", 3, etag)], Token));
        var transaction = await Assert.ThrowsAsync<DaprException>(() => ordering.ExecuteStateTransactionAsync("orders-store",
        [
            new StateTransactionRequest("b", [(byte)'1'], StateOperationType.Upsert),
            new StateTransactionRequest("a", [(byte)'3'], StateOperationType.Upsert, etag),
        ], cancellationToken: Token));

        Assert.False(saved);
        Assert.Equal(StatusCode.Aborted, Assert.IsType<RpcException>(save.InnerException).StatusCode);
        // daprd wraps every transaction failure as Internal: a conflict there cannot be told apart by its code.
        Assert.Equal(StatusCode.Internal, Assert.IsType<RpcException>(transaction.InnerException).StatusCode);
        Assert.Equal(2, dapr.ReadState<int>("orders-store", "a"));
        Assert.Null(dapr.Store("orders-store").Get("b"));
    }

    [Fact]
    public async Task PostgreSQL_ETags_are_UUIDs_and_a_malformed_one_is_invalid_not_a_mismatch()
    {
        var dapr = new InMemoryDapr().UseComponents(Components);
        var ordering = new InMemoryDaprClient(dapr, "ordering");
        var orderQuery = new InMemoryDaprClient(dapr, "order-query");
        await ordering.SaveStateAsync("orders-store", "a", 1, cancellationToken: Token);
        await orderQuery.SaveStateAsync("orderview-store", "a", 1, cancellationToken: Token);

        var (_, postgresETag) = await ordering.GetStateAndETagAsync<int>("orders-store", "a", cancellationToken: Token);
        var (_, redisETag) = await orderQuery.GetStateAndETagAsync<int>("orderview-store", "a", cancellationToken: Token);
        var malformed = await Assert.ThrowsAsync<DaprException>(() =>
            ordering.TrySaveStateAsync("orders-store", "a", 2, "17", cancellationToken: Token));

        Assert.True(Guid.TryParse(postgresETag, out _));
        Assert.True(long.TryParse(redisETag, out _));
        Assert.Equal(StatusCode.InvalidArgument, Assert.IsType<RpcException>(malformed.InnerException).StatusCode);
    }

    [Fact]
    public async Task A_bulk_save_applies_each_item_on_its_own_and_reports_the_conflict()
    {
        var dapr = new InMemoryDapr().UseComponents(Components);
        var payment = new InMemoryDaprClient(dapr, "payment");
        await payment.SaveStateAsync("payments-store", "a", 1, cancellationToken: Token);
        var stale = Guid.NewGuid().ToString();

        await Assert.ThrowsAsync<DaprException>(() => payment.SaveBulkStateAsync("payments-store",
            [new SaveStateItem<int>("a", 2, stale), new SaveStateItem<int>("b", 2, null!)], Token));

        Assert.Equal(1, dapr.ReadState<int>("payments-store", "a"));
        Assert.Equal(2, dapr.ReadState<int>("payments-store", "b"));
    }

    [Fact]
    public async Task First_write_without_an_ETag_only_inserts_while_last_write_overwrites()
    {
        var dapr = new InMemoryDapr().UseComponents(Components);
        var payment = new InMemoryDaprClient(dapr, "payment");
        var firstWrite = new StateOptions { Concurrency = ConcurrencyMode.FirstWrite };

        await payment.SaveStateAsync("payments-store", "charge-1", "first", firstWrite, cancellationToken: Token);
        var second = await Assert.ThrowsAsync<DaprException>(() =>
            payment.SaveStateAsync("payments-store", "charge-1", "second", firstWrite, cancellationToken: Token));
        await payment.SaveStateAsync("payments-store", "charge-1", "third", cancellationToken: Token);

        Assert.Equal(StatusCode.Aborted, Assert.IsType<RpcException>(second.InnerException).StatusCode);
        Assert.Equal("third", dapr.ReadState<string>("payments-store", "charge-1"));
    }
}
