using Dapr.Actors;
using Dapr.Actors.Runtime;
using FlashSale.Contracts.Inventory;
using FlashSale.Inventory.Application;
using FlashSale.Inventory.Infrastructure.Actors;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FlashSale.Inventory.Tests.Actors;

public sealed class StockActorTests
{
    private const string Sku = "SKU-1";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(7);
    private static readonly TimeSpan Retention = TimeSpan.FromHours(2);
    private static readonly TimeSpan RejectionMemory = TimeSpan.FromSeconds(45);

    private readonly InMemoryActorStateManager _state = new();
    private readonly RecordingReminders _reminders = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingPublisher _events;
    private readonly StockActor _actor;

    public StockActorTests()
    {
        _events = new RecordingPublisher(_state);
        _actor = NewActor();
    }

    // A new instance over the same state is what Dapr does after a deactivation.
    private StockActor NewActor()
    {
        var host = ActorHost.CreateForTest<StockActor>(StockActorType.Name, new ActorTestOptions
        {
            ActorId = new ActorId(Sku),
            TimerManager = _reminders,
        });
        return new StockActor(host, _events, _clock, Options.Create(new InventoryOptions
        {
            ReservationTimeout = Timeout,
            SettledReservationRetention = Retention,
            RejectionMemory = RejectionMemory,
        }), _state);
    }

    private static string ExpiryOf(string orderId) => $"reservation-expiry-{orderId}";

    private static string ForgetOf(string orderId) => $"reservation-forget-{orderId}";

    private Task FireExpiryAsync(string orderId) => FireAsync(ExpiryOf(orderId));

    private Task FireAsync(string reminderName, StockActor? actor = null)
    {
        var reminder = _reminders.Registered.GetValueOrDefault(reminderName);
        return (actor ?? _actor).ReceiveReminderAsync(
            reminderName, [], reminder?.DueTime ?? TimeSpan.Zero, reminder?.Period ?? System.Threading.Timeout.InfiniteTimeSpan);
    }

    private IEnumerable<string> SavedReservationKeys =>
        _state.Saved.Keys.Where(key => key.StartsWith("reservation-", StringComparison.Ordinal)).Order(StringComparer.Ordinal);

    private List<PendingEvent> SavedOutbox => _state.SavedValue<List<PendingEvent>>("outbox") ?? [];

    [Fact]
    public async Task Reserve_holds_stock_and_registers_a_one_shot_expiry_reminder()
    {
        await _actor.SetStockAsync(10);

        var result = await _actor.ReserveAsync(new ReserveRequest("order-1", 4));

        Assert.Equal(new ReservationResult(true, 6), result);
        Assert.Equal(new StockLevels(Sku, 6, 4, 0), await _actor.GetLevelsAsync());
        var reminder = Assert.Single(_reminders.Registered.Values);
        Assert.Equal(ExpiryOf("order-1"), reminder.Name);
        Assert.Equal(Timeout, reminder.DueTime);
        Assert.Equal(System.Threading.Timeout.InfiniteTimeSpan, reminder.Period);
    }

    [Fact]
    public async Task A_repeated_reserve_returns_the_same_outcome_and_publishes_nothing_new()
    {
        await _actor.SetStockAsync(10);
        await _actor.ReserveAsync(new ReserveRequest("order-1", 4));
        var published = _events.Published.Count;

        var repeated = await _actor.ReserveAsync(new ReserveRequest("order-1", 4));

        Assert.True(repeated.Reserved);
        Assert.Equal(new StockLevels(Sku, 6, 4, 0), await _actor.GetLevelsAsync());
        Assert.Equal(published, _events.Published.Count);
    }

    [Fact]
    public async Task Reserve_refuses_when_stock_is_insufficient_and_remembers_it()
    {
        await _actor.SetStockAsync(2);

        var refused = await _actor.ReserveAsync(new ReserveRequest("order-1", 3));
        await _actor.SetStockAsync(5);
        var retried = await _actor.ReserveAsync(new ReserveRequest("order-1", 3));

        Assert.Equal(new ReservationResult(false, 2), refused);
        Assert.False(retried.Reserved);
        Assert.Empty(_reminders.Registered);
        Assert.Equal(new StockLevels(Sku, 5, 0, 0), await _actor.GetLevelsAsync());
    }

    [Fact]
    public async Task A_refusal_is_not_persisted_and_is_remembered_only_long_enough_for_the_sidecars_retries()
    {
        await _actor.SetStockAsync(2);
        await _actor.ReserveAsync(new ReserveRequest("order-1", 3));
        await _actor.SetStockAsync(5);

        _clock.Advance(RejectionMemory - TimeSpan.FromSeconds(1));
        var sidecarRetry = await _actor.ReserveAsync(new ReserveRequest("order-1", 3));
        _clock.Advance(TimeSpan.FromSeconds(1));
        var muchLater = await _actor.ReserveAsync(new ReserveRequest("order-2", 9));

        Assert.False(sidecarRetry.Reserved);
        Assert.False(muchLater.Reserved);
        Assert.Empty(SavedReservationKeys);
        Assert.True((await _actor.ReserveAsync(new ReserveRequest("order-1", 3))).Reserved);
    }

    [Fact]
    public async Task A_reserve_that_arrives_after_its_release_is_refused_and_holds_no_stock()
    {
        await _actor.SetStockAsync(5);

        // Ordering gave up on a reserve the sidecar was still retrying, and released the order first.
        await _actor.ReleaseAsync("order-1");
        var lateReserve = await NewActor().ReserveAsync(new ReserveRequest("order-1", 2));

        Assert.Equal(new ReservationResult(false, 5), lateReserve);
        Assert.Equal(new StockLevels(Sku, 5, 0, 0), await _actor.GetLevelsAsync());
        Assert.DoesNotContain(ExpiryOf("order-1"), _reminders.Registered.Keys);
    }

    [Fact]
    public async Task Settled_records_are_deleted_by_a_reminder_after_the_retention_period()
    {
        await _actor.SetStockAsync(10);
        await _actor.ReserveAsync(new ReserveRequest("committed", 1));
        await _actor.ReserveAsync(new ReserveRequest("released", 1));
        await _actor.ReserveAsync(new ReserveRequest("expired", 1));
        await _actor.ReserveAsync(new ReserveRequest("open", 1));
        await _actor.CommitAsync("committed");
        await _actor.ReleaseAsync("released");
        await FireExpiryAsync("expired");
        await _actor.ReleaseAsync("never-reserved");
        var forgetReminders = _reminders.Registered.Values.Where(reminder => reminder.Name.StartsWith("reservation-forget-", StringComparison.Ordinal)).ToList();

        foreach (var reminder in forgetReminders)
        {
            await FireAsync(reminder.Name, NewActor());
        }

        await FireAsync(ForgetOf("open"));
        Assert.Equal(
            ["committed", "expired", "never-reserved", "released"],
            forgetReminders.Select(reminder => reminder.Name["reservation-forget-".Length..]).Order(StringComparer.Ordinal));
        Assert.All(forgetReminders, reminder => Assert.Equal(Retention, reminder.DueTime));
        Assert.Equal(["reservation-open"], SavedReservationKeys);
        Assert.Equal(new StockLevels(Sku, 8, 1, 1), await _actor.GetLevelsAsync());
    }

    [Fact]
    public async Task Commit_sells_the_units_and_unregisters_the_reminder()
    {
        await _actor.SetStockAsync(10);
        await _actor.ReserveAsync(new ReserveRequest("order-1", 4));

        await _actor.CommitAsync("order-1");
        await _actor.CommitAsync("order-1");

        Assert.Equal(new StockLevels(Sku, 6, 0, 4), await _actor.GetLevelsAsync());
        Assert.Equal([ForgetOf("order-1")], _reminders.Registered.Keys);
    }

    [Fact]
    public async Task Release_returns_the_units_and_unregisters_the_reminder()
    {
        await _actor.SetStockAsync(10);
        await _actor.ReserveAsync(new ReserveRequest("order-1", 4));

        await _actor.ReleaseAsync("order-1");
        await _actor.ReleaseAsync("unknown-order");

        Assert.Equal(new StockLevels(Sku, 10, 0, 0), await _actor.GetLevelsAsync());
        Assert.Equal([ForgetOf("order-1"), ForgetOf("unknown-order")], _reminders.Registered.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task The_expiry_reminder_releases_the_reservation_and_tells_ordering()
    {
        await _actor.SetStockAsync(10);
        await _actor.ReserveAsync(new ReserveRequest("order-1", 4));
        _clock.Advance(Timeout);

        await FireExpiryAsync("order-1");

        Assert.Equal(new StockLevels(Sku, 10, 0, 0), await _actor.GetLevelsAsync());
        var expired = Assert.Single(_events.Of<ReservationExpired>());
        Assert.Equal(new ReservationExpired(Sku, "order-1", 4, 3, _clock.GetUtcNow()), expired);
        Assert.Equal(new StockChanged(Sku, 10, 0, 0, 3, _clock.GetUtcNow()), _events.Of<StockChanged>().Last());
    }

    [Fact]
    public async Task An_expiry_reminder_after_commit_or_a_second_firing_changes_nothing()
    {
        await _actor.SetStockAsync(10);
        await _actor.ReserveAsync(new ReserveRequest("committed", 4));
        await _actor.ReserveAsync(new ReserveRequest("expired", 1));
        await _actor.CommitAsync("committed");
        await FireExpiryAsync("expired");
        var published = _events.Published.Count;

        await FireExpiryAsync("committed");
        await FireExpiryAsync("expired");

        Assert.Equal(new StockLevels(Sku, 6, 0, 4), await _actor.GetLevelsAsync());
        Assert.Equal(published, _events.Published.Count);
    }

    [Fact]
    public async Task Every_change_publishes_stock_changed_with_a_growing_sequence_after_saving()
    {
        await _actor.SetStockAsync(3);
        await _actor.ReserveAsync(new ReserveRequest("order-1", 1));
        await _actor.ReserveAsync(new ReserveRequest("order-2", 9));
        await _actor.CommitAsync("order-1");

        var changes = _events.Of<StockChanged>().ToList();
        Assert.Equal([1L, 2L, 3L], changes.Select(change => change.Sequence));
        Assert.Equal(new StockChanged(Sku, 2, 0, 1, 3, _clock.GetUtcNow()), changes[^1]);
        Assert.All(_events.Published, entry => Assert.True(entry.SavesBefore > 0));
        Assert.Equal(new StockLevels(Sku, 2, 0, 1), await NewActor().GetLevelsAsync());
    }

    [Fact]
    public async Task Sold_out_is_published_when_available_reaches_zero_and_not_again_while_it_stays_there()
    {
        await _actor.SetStockAsync(2);
        await _actor.ReserveAsync(new ReserveRequest("order-1", 2));
        await _actor.CommitAsync("order-1");
        await _actor.ReserveAsync(new ReserveRequest("order-2", 1));

        var soldOut = Assert.Single(_events.Of<SoldOut>());
        Assert.Equal(new SoldOut(Sku, 2, _clock.GetUtcNow()), soldOut);
    }

    [Fact]
    public async Task A_failed_publish_does_not_fail_the_saved_change_and_its_events_go_out_with_the_next_call()
    {
        await _actor.SetStockAsync(5);
        _events.Fail = true;

        var reserved = await _actor.ReserveAsync(new ReserveRequest("order-1", 5));
        _events.Fail = false;
        var repeated = await NewActor().ReserveAsync(new ReserveRequest("order-1", 5));

        Assert.Equal(new ReservationResult(true, 0), reserved);
        Assert.True(repeated.Reserved);
        Assert.Equal(new StockLevels(Sku, 0, 5, 0), await _actor.GetLevelsAsync());
        Assert.Equal([2L], _events.Of<StockChanged>().Select(change => change.Sequence).Skip(1));
        Assert.Single(_events.Of<SoldOut>());
        Assert.DoesNotContain("outbox", _state.Saved.Keys);
    }

    [Fact]
    public async Task A_reminder_retries_the_outbox_of_a_quiet_sku_until_it_is_empty()
    {
        await _actor.SetStockAsync(5);
        await _actor.ReserveAsync(new ReserveRequest("order-1", 2));
        _events.Fail = true;

        await FireExpiryAsync("order-1");
        var retry = _reminders.Registered.GetValueOrDefault("outbox-flush");
        await FireAsync("outbox-flush");
        var stillPending = SavedOutbox.Count;
        _events.Fail = false;
        await FireAsync("outbox-flush", NewActor());

        Assert.NotNull(retry);
        Assert.Equal(StockActor.OutboxRetryInterval, retry.DueTime);
        Assert.Equal(StockActor.OutboxRetryInterval, retry.Period);
        Assert.Equal(2, stillPending);
        Assert.Equal("order-1", Assert.Single(_events.Of<ReservationExpired>()).OrderId);
        Assert.Equal(new StockChanged(Sku, 5, 0, 0, 3, _clock.GetUtcNow()), _events.Of<StockChanged>().Last());
        Assert.DoesNotContain("outbox", _state.Saved.Keys);
        Assert.DoesNotContain("outbox-flush", _reminders.Registered.Keys);
    }

    [Fact]
    public async Task While_publishing_fails_the_outbox_keeps_only_the_newest_stock_changed_and_every_other_event()
    {
        await _actor.SetStockAsync(3);
        await _actor.ReserveAsync(new ReserveRequest("order-1", 1));
        _events.Fail = true;

        await _actor.ReserveAsync(new ReserveRequest("order-2", 2));
        await FireExpiryAsync("order-1");
        await _actor.SetStockAsync(0);
        await FireExpiryAsync("order-2");
        for (var i = 0; i < 20; i++)
        {
            await _actor.SetStockAsync(i % 2 == 0 ? 7 : 0);
        }

        var outbox = SavedOutbox;
        Assert.Equal(new StockChanged(Sku, 0, 0, 0, 26, _clock.GetUtcNow()), Assert.Single(outbox, pending => pending.StockChanged is not null).StockChanged);
        Assert.Equal([3L, 5L, 8L, 10L, 12L, 14L, 16L, 18L, 20L, 22L, 24L, 26L], outbox.Where(pending => pending.SoldOut is not null).Select(pending => pending.SoldOut!.Sequence));
        Assert.Equal(["order-1", "order-2"], outbox.Where(pending => pending.ReservationExpired is not null).Select(pending => pending.ReservationExpired!.OrderId));
    }

    [Fact]
    public async Task A_malformed_order_id_is_refused_by_reserve_and_ignored_by_commit_and_release()
    {
        await _actor.SetStockAsync(5);

        await Assert.ThrowsAsync<ArgumentException>(() => _actor.ReserveAsync(new ReserveRequest("a/b", 1)));
        await _actor.CommitAsync("a/b");
        await _actor.ReleaseAsync("");

        Assert.Equal(new StockLevels(Sku, 5, 0, 0), await _actor.GetLevelsAsync());
        Assert.Empty(_reminders.Registered);
        Assert.DoesNotContain(_state.Saved.Keys, key => key.StartsWith("reservation-", StringComparison.Ordinal));
    }

    [Fact]
    public async Task State_lives_in_the_state_manager_so_a_new_activation_sees_it()
    {
        await _actor.SetStockAsync(10);
        await _actor.ReserveAsync(new ReserveRequest("order-1", 4));

        var reactivated = NewActor();
        await reactivated.CommitAsync("order-1");

        Assert.Equal(new StockLevels(Sku, 6, 0, 4), await reactivated.GetLevelsAsync());
    }
}
