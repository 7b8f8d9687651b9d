using FlashSale.Contracts.Inventory;
using FlashSale.TestSupport;
using FlashSale.TestSupport.Actors;

namespace FlashSale.Inventory.Tests.Api;

/// <summary>The stock actor through actor proxies, the stand-in sidecar and the service's real actor endpoints.</summary>
public sealed class StockActorOverSidecarTests(InventoryHost host) : IClassFixture<InventoryHost>
{
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    private IReadOnlyList<string> RemindersOf(string sku) =>
        host.Sidecar.Reminders.All.Where(reminder => reminder.Actor.Id == sku).Select(reminder => reminder.Name).ToList();

    private static ReserveBatch Batch(params ReserveItem[] items) => new(Guid.NewGuid().ToString("N"), items);

    private static SettleBatch Settle(string orderId, int quantity) => new([new SettleItem(orderId, quantity)]);

    private Task<StockChanged> NewestFiguresAsync(string sku, Func<StockChanged, bool> expected) =>
        Eventually.MatchesAsync(() => host.Events<StockChanged>(sku).MaxBy(change => change.Sequence)!,
            change => change is not null && expected(change), $"the newest stock figures of {sku}", cancellationToken: _cancellation);

    [Fact]
    public async Task Two_hundred_concurrent_reservations_for_a_hundred_units_never_oversell()
    {
        var sku = InventoryHost.NewSku();
        await host.Stock(sku).SetStockAsync(100);

        var results = await Task.WhenAll(Enumerable.Range(1, 200)
            .Select(i => host.Stock(sku).ReserveAsync(Batch(new ReserveItem($"order-{i}", 1)))));

        Assert.Equal(100, results.Count(result => result.Outcomes.Single() == ReserveOutcome.Reserved));
        Assert.All(results, result => Assert.InRange(result.Levels.Available, 0, 99));
        Assert.Equal(new StockLevels(sku, 0, 100, 0), await host.Stock(sku).GetLevelsAsync());
        await NewestFiguresAsync(sku, change => change is { Available: 0, Reserved: 100 });
        Assert.All(host.Events<StockChanged>(sku), change => Assert.True(change.Available >= 0));
        Assert.Single(host.Events<SoldOut>(sku));
        // One sweep reminder for the SKU, however many reservations.
        Assert.Equal(["sweep"], RemindersOf(sku));
    }

    [Fact]
    public async Task One_call_carries_many_orders_and_is_saved_as_one_batch()
    {
        var sku = InventoryHost.NewSku();
        await host.Stock(sku).SetStockAsync(60);

        var result = await host.Stock(sku).ReserveAsync(Batch([.. Enumerable.Range(1, 50).Select(i => new ReserveItem($"o-{i}", 1))]));

        Assert.All(result.Outcomes, outcome => Assert.Equal(ReserveOutcome.Reserved, outcome));
        Assert.Equal(new StockLevels(sku, 10, 50, 0), result.Levels);
        var keys = host.Sidecar.State.KeysOf(new ActorKey(StockActorType.Name, sku));
        Assert.Single(keys, key => key.StartsWith("batch-", StringComparison.Ordinal));
        Assert.Equal(50, keys.Count(key => key.StartsWith("reservation-", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task A_batch_of_new_orders_reads_no_state_per_order_and_a_new_activation_still_finds_every_reservation()
    {
        var sku = InventoryHost.NewSku();
        await host.Stock(sku).SetStockAsync(100);
        var orders = Enumerable.Range(1, 100).Select(i => $"new-{i}").ToList();
        var readsBefore = host.Sidecar.State.Reads;

        var result = await host.Stock(sku).ReserveAsync(Batch([.. orders.Select(order => new ReserveItem(order, 1))]));

        // daprd's transaction upserts whether a key is new or not, so writing a record per order costs no read of it.
        Assert.All(result.Outcomes, outcome => Assert.Equal(ReserveOutcome.Reserved, outcome));
        Assert.InRange(host.Sidecar.State.Reads - readsBefore, 0, 5);
        Assert.Equal(100, host.Sidecar.State.KeysOf(new ActorKey(StockActorType.Name, sku)).Count(key => key.StartsWith("reservation-", StringComparison.Ordinal)));

        // A fresh activation reads what it needs from the store: every order's commit finds its reservation.
        Assert.True(await host.Sidecar.DeactivateAsync(StockActorType.Name, sku, _cancellation));
        var committed = await host.Stock(sku).CommitAsync(new SettleBatch([.. orders.Select(order => new SettleItem(order, 1))]));

        Assert.All(committed.Settled, Assert.True);
        Assert.Equal(new StockLevels(sku, 0, 0, 100), committed.Levels);
    }

    [Fact]
    public async Task An_unpaid_reservation_expires_when_the_sweep_finds_its_time_ran_out()
    {
        var sku = InventoryHost.NewSku();
        await host.Stock(sku).SetStockAsync(5);
        await host.Stock(sku).ReserveAsync(Batch(new ReserveItem("order-late", 2)));

        host.Clock.Advance(InventoryHost.ReservationTimeout - TimeSpan.FromSeconds(1));
        await host.Sidecar.FireDueRemindersAsync(_cancellation);
        var stillHeld = await host.Stock(sku).GetLevelsAsync();
        host.Clock.Advance(TimeSpan.FromSeconds(11));
        var due = await host.Sidecar.FireDueRemindersAsync(_cancellation);

        Assert.Equal(new StockLevels(sku, 3, 2, 0), stillHeld);
        Assert.True(Assert.Single(due, firing => firing.Reminder.Actor.Id == sku).Succeeded);
        Assert.Equal(new StockLevels(sku, 5, 0, 0), await host.Stock(sku).GetLevelsAsync());
        var expired = Assert.Single(host.Events<ReservationExpired>(sku));
        Assert.Equal(("order-late", 2), (expired.OrderId, expired.Quantity));
        // The figures of stock set and reserved come first; wait for those of the expiry itself.
        var newest = await NewestFiguresAsync(sku, change => change.Sequence >= expired.Sequence);
        Assert.Equal((5, 0, expired.Sequence), (newest.Available, newest.Reserved, newest.Sequence));
    }

    [Fact]
    public async Task A_committed_reservation_is_not_released_when_its_time_passes()
    {
        var sku = InventoryHost.NewSku();
        await host.Stock(sku).SetStockAsync(5);
        await host.Stock(sku).ReserveAsync(Batch(new ReserveItem("order-paid", 2)));

        await host.Stock(sku).CommitAsync(Settle("order-paid", 2));
        host.Clock.Advance(InventoryHost.ReservationTimeout * 2);
        await host.Sidecar.FireDueRemindersAsync(_cancellation);

        Assert.Equal(new StockLevels(sku, 3, 0, 2), await host.Stock(sku).GetLevelsAsync());
        Assert.Empty(host.Events<ReservationExpired>(sku));
    }

    [Fact]
    public async Task State_and_the_sweep_survive_actor_deactivation()
    {
        var sku = InventoryHost.NewSku();
        await host.Stock(sku).SetStockAsync(5);
        var batch = Batch(new ReserveItem("order-1", 2));
        await host.Stock(sku).ReserveAsync(batch);

        Assert.True(await host.Sidecar.DeactivateAsync(StockActorType.Name, sku, _cancellation));
        var retried = await host.Stock(sku).ReserveAsync(batch);
        host.Clock.Advance(InventoryHost.ReservationTimeout + TimeSpan.FromSeconds(10));
        Assert.True(await host.Sidecar.DeactivateAsync(StockActorType.Name, sku, _cancellation));
        await host.Sidecar.FireDueRemindersAsync(_cancellation);

        Assert.Equal([ReserveOutcome.Reserved], retried.Outcomes);
        Assert.Equal(new StockLevels(sku, 3, 2, 0), retried.Levels);
        Assert.Equal(new StockLevels(sku, 5, 0, 0), await host.Stock(sku).GetLevelsAsync());
        Assert.Single(host.Events<ReservationExpired>(sku));
    }

    [Fact]
    public async Task State_and_the_sweep_survive_an_app_restart()
    {
        var sku = InventoryHost.NewSku();
        await host.Stock(sku).SetStockAsync(5);
        await host.Stock(sku).ReserveAsync(Batch(new ReserveItem("kept", 1), new ReserveItem("expiring", 2)));

        await host.RestartAppAsync();
        await host.Stock(sku).CommitAsync(Settle("kept", 1));
        host.Clock.Advance(InventoryHost.ReservationTimeout + TimeSpan.FromSeconds(10));
        await host.Sidecar.FireDueRemindersAsync(_cancellation);

        Assert.Equal(new StockLevels(sku, 4, 0, 1), await host.Stock(sku).GetLevelsAsync());
        Assert.Equal("expiring", Assert.Single(host.Events<ReservationExpired>(sku)).OrderId);
    }

    [Fact]
    public async Task A_sweep_that_fires_while_the_app_is_down_fires_again_once_it_is_back()
    {
        var sku = InventoryHost.NewSku();
        await host.Stock(sku).SetStockAsync(5);
        await host.Stock(sku).ReserveAsync(Batch(new ReserveItem("order-1", 2)));
        host.Clock.Advance(InventoryHost.ReservationTimeout + TimeSpan.FromSeconds(10));

        host.Sidecar.StopApp(InventoryHost.AppId);
        var whileDown = await host.Sidecar.FireDueRemindersAsync(_cancellation);
        await host.RestartAppAsync();
        var afterRestart = await host.Sidecar.FireDueRemindersAsync(_cancellation);

        Assert.False(Assert.Single(whileDown, firing => firing.Reminder.Actor.Id == sku).Succeeded);
        Assert.True(Assert.Single(afterRestart, firing => firing.Reminder.Actor.Id == sku).Succeeded);
        Assert.Equal(new StockLevels(sku, 5, 0, 0), await host.Stock(sku).GetLevelsAsync());
    }

    [Fact]
    public async Task A_reserve_retried_after_its_order_was_released_holds_nothing_and_the_marker_is_deleted_later()
    {
        var sku = InventoryHost.NewSku();
        var actor = new ActorKey(StockActorType.Name, sku);
        await host.Stock(sku).SetStockAsync(3);

        await host.Stock(sku).ReleaseAsync(Settle("gave-up", 3));
        var lateRetry = await host.Stock(sku).ReserveAsync(Batch(new ReserveItem("gave-up", 3, MayRepeat: true)));
        var keysWhileRetained = host.Sidecar.State.KeysOf(actor);
        host.Clock.Advance(TimeSpan.FromHours(1) + TimeSpan.FromSeconds(10));
        await host.Sidecar.FireDueRemindersAsync(_cancellation);

        Assert.Equal([ReserveOutcome.SoldOut], lateRetry.Outcomes);
        Assert.Equal(new StockLevels(sku, 3, 0, 0), await host.Stock(sku).GetLevelsAsync());
        Assert.Contains("reservation-gave-up", keysWhileRetained);
        Assert.DoesNotContain("reservation-gave-up", host.Sidecar.State.KeysOf(actor));
        Assert.Empty(RemindersOf(sku));
    }
}
