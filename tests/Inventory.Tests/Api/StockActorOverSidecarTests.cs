using FlashSale.Contracts.Inventory;
using FlashSale.TestSupport.Actors;

namespace FlashSale.Inventory.Tests.Api;

/// <summary>The stock actor through actor proxies, the stand-in sidecar and the service's real actor endpoints.</summary>
public sealed class StockActorOverSidecarTests(InventoryHost host) : IClassFixture<InventoryHost>
{
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;

    private static string ExpiryOf(string orderId) => $"reservation-expiry-{orderId}";

    private static string ForgetOf(string orderId) => $"reservation-forget-{orderId}";

    private IReadOnlyList<string> RemindersOf(string sku) =>
        host.Sidecar.Reminders.All.Where(reminder => reminder.Actor.Id == sku).Select(reminder => reminder.Name).ToList();

    [Fact]
    public async Task Two_hundred_concurrent_reservations_for_a_hundred_units_never_oversell()
    {
        var sku = InventoryHost.NewSku();
        await host.Stock(sku).SetStockAsync(100);

        var results = await Task.WhenAll(Enumerable.Range(1, 200)
            .Select(i => host.Stock(sku).ReserveAsync(new ReserveRequest($"order-{i}", 1))));

        Assert.Equal(100, results.Count(result => result.Reserved));
        Assert.All(results, result => Assert.InRange(result.Available, 0, 99));
        Assert.Equal(new StockLevels(sku, 0, 100, 0), await host.Stock(sku).GetLevelsAsync());
        var changes = host.Events<StockChanged>(sku);
        Assert.Equal(Enumerable.Range(1, 101).Select(sequence => (long)sequence), changes.Select(change => change.Sequence));
        Assert.All(changes, change => Assert.True(change.Available >= 0));
        Assert.Single(host.Events<SoldOut>(sku));
        Assert.Equal(100, RemindersOf(sku).Count);
    }

    [Fact]
    public async Task An_unpaid_reservation_expires_when_its_reminder_fires()
    {
        var sku = InventoryHost.NewSku();
        await host.Stock(sku).SetStockAsync(5);
        await host.Stock(sku).ReserveAsync(new ReserveRequest("order-late", 2));

        host.Clock.Advance(InventoryHost.ReservationTimeout - TimeSpan.FromSeconds(1));
        var early = await host.Sidecar.FireDueRemindersAsync(_cancellation);
        var stillHeld = await host.Stock(sku).GetLevelsAsync();
        host.Clock.Advance(TimeSpan.FromSeconds(1));
        var due = await host.Sidecar.FireDueRemindersAsync(_cancellation);

        Assert.DoesNotContain(early, firing => firing.Reminder.Actor.Id == sku);
        Assert.Equal(new StockLevels(sku, 3, 2, 0), stillHeld);
        Assert.True(Assert.Single(due, firing => firing.Reminder.Actor.Id == sku).Succeeded);
        Assert.Equal(new StockLevels(sku, 5, 0, 0), await host.Stock(sku).GetLevelsAsync());
        var expired = Assert.Single(host.Events<ReservationExpired>(sku));
        Assert.Equal(("order-late", 2, host.Clock.GetUtcNow()), (expired.OrderId, expired.Quantity, expired.OccurredAt));
        var lastChange = host.Events<StockChanged>(sku)[^1];
        Assert.Equal((5, 0, expired.Sequence), (lastChange.Available, lastChange.Reserved, lastChange.Sequence));
        Assert.Equal([ForgetOf("order-late")], RemindersOf(sku));
    }

    [Fact]
    public async Task A_committed_reservation_is_not_released_when_its_time_passes()
    {
        var sku = InventoryHost.NewSku();
        await host.Stock(sku).SetStockAsync(5);
        await host.Stock(sku).ReserveAsync(new ReserveRequest("order-paid", 2));
        Assert.Equal([ExpiryOf("order-paid")], RemindersOf(sku));

        await host.Stock(sku).CommitAsync("order-paid");
        host.Clock.Advance(InventoryHost.ReservationTimeout * 2);
        var firings = await host.Sidecar.FireDueRemindersAsync(_cancellation);

        Assert.Equal([ForgetOf("order-paid")], RemindersOf(sku));
        Assert.DoesNotContain(firings, firing => firing.Reminder.Actor.Id == sku);
        Assert.Equal(new StockLevels(sku, 3, 0, 2), await host.Stock(sku).GetLevelsAsync());
        Assert.Empty(host.Events<ReservationExpired>(sku));
    }

    [Fact]
    public async Task State_and_reminders_survive_actor_deactivation()
    {
        var sku = InventoryHost.NewSku();
        await host.Stock(sku).SetStockAsync(5);
        await host.Stock(sku).ReserveAsync(new ReserveRequest("order-1", 2));

        Assert.True(await host.Sidecar.DeactivateAsync(StockActorType.Name, sku, _cancellation));
        var afterDeactivation = await host.Stock(sku).ReserveAsync(new ReserveRequest("order-1", 2));
        host.Clock.Advance(InventoryHost.ReservationTimeout);
        Assert.True(await host.Sidecar.DeactivateAsync(StockActorType.Name, sku, _cancellation));
        await host.Sidecar.FireDueRemindersAsync(_cancellation);

        Assert.Equal(new ReservationResult(true, 3), afterDeactivation);
        Assert.Equal(new StockLevels(sku, 5, 0, 0), await host.Stock(sku).GetLevelsAsync());
        Assert.Single(host.Events<ReservationExpired>(sku));
    }

    [Fact]
    public async Task State_and_reminders_survive_an_app_restart()
    {
        var sku = InventoryHost.NewSku();
        await host.Stock(sku).SetStockAsync(5);
        await host.Stock(sku).ReserveAsync(new ReserveRequest("kept", 1));
        await host.Stock(sku).ReserveAsync(new ReserveRequest("expiring", 2));

        await host.RestartAppAsync();
        await host.Stock(sku).CommitAsync("kept");
        host.Clock.Advance(InventoryHost.ReservationTimeout);
        await host.Sidecar.FireDueRemindersAsync(_cancellation);

        Assert.Equal(new StockLevels(sku, 4, 0, 1), await host.Stock(sku).GetLevelsAsync());
        var expired = Assert.Single(host.Events<ReservationExpired>(sku));
        Assert.Equal("expiring", expired.OrderId);
        Assert.Equal(5, expired.Sequence);
    }

    [Fact]
    public async Task A_reminder_that_fires_while_the_app_is_down_fires_again_once_it_is_back()
    {
        var sku = InventoryHost.NewSku();
        await host.Stock(sku).SetStockAsync(5);
        await host.Stock(sku).ReserveAsync(new ReserveRequest("order-1", 2));
        host.Clock.Advance(InventoryHost.ReservationTimeout);

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
        await host.Stock(sku).ReserveAsync(new ReserveRequest("sold-out", 4));

        await host.Stock(sku).ReleaseAsync("gave-up");
        var lateRetry = await host.Stock(sku).ReserveAsync(new ReserveRequest("gave-up", 3));
        var keysWhileRetained = host.Sidecar.State.KeysOf(actor);
        host.Clock.Advance(TimeSpan.FromHours(1));
        var firings = await host.Sidecar.FireDueRemindersAsync(_cancellation);

        Assert.Equal(new ReservationResult(false, 3), lateRetry);
        Assert.Equal(new StockLevels(sku, 3, 0, 0), await host.Stock(sku).GetLevelsAsync());
        Assert.Equal(["counts", "reservation-gave-up"], keysWhileRetained);
        Assert.True(Assert.Single(firings, firing => firing.Reminder.Actor.Id == sku).Succeeded);
        Assert.Equal(["counts"], host.Sidecar.State.KeysOf(actor));
        Assert.Empty(RemindersOf(sku));
    }
}
