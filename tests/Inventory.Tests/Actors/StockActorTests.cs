using System.Diagnostics.Metrics;
using Dapr.Actors;
using Dapr.Actors.Runtime;
using FlashSale.Contracts.Inventory;
using FlashSale.Inventory.Application;
using FlashSale.Inventory.Domain;
using FlashSale.Inventory.Infrastructure;
using FlashSale.Inventory.Infrastructure.Actors;
using FlashSale.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace FlashSale.Inventory.Tests.Actors;

public sealed class StockActorTests : IDisposable
{
    private const string Sku = "SKU-1";
    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(7);
    private static readonly TimeSpan Retention = TimeSpan.FromHours(2);
    private static readonly TimeSpan RejectionMemory = TimeSpan.FromSeconds(45);
    private static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(10);

    private readonly InMemoryActorStateManager _state = new();
    private readonly RecordingReminders _reminders = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2030, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly RecordingPublisher _events;
    private readonly IOptions<InventoryOptions> _options = Options.Create(new InventoryOptions
    {
        ReservationTimeout = Timeout,
        SettledReservationRetention = Retention,
        RejectionMemory = RejectionMemory,
        SweepInterval = SweepInterval,
        StockChangeInterval = TimeSpan.Zero,
    });

    private readonly ServiceProvider _meters = new ServiceCollection().AddMetrics().AddSingleton<InventoryMetrics>().BuildServiceProvider();

    private readonly StockChangeFeed _feed;
    private readonly StockActor _actor;

    public StockActorTests()
    {
        _events = new RecordingPublisher(_state);
        _feed = new StockChangeFeed(_events, _options, NullLogger<StockChangeFeed>.Instance);
        _actor = NewActor();
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public void Dispose() => _meters.Dispose();

    // A new instance over the same state is what Dapr does after a deactivation.
    private StockActor NewActor()
    {
        var host = ActorHost.CreateForTest<StockActor>(StockActorType.Name, new ActorTestOptions
        {
            ActorId = new ActorId(Sku),
            TimerManager = _reminders,
        });
        return new StockActor(host, _events, _feed, _clock, _options, _meters.GetRequiredService<InventoryMetrics>(), _state);
    }

    private static ReserveBatch Batch(params ReserveItem[] items) => new(Guid.NewGuid().ToString("N"), items);

    private static ReserveItem Item(string orderId, int quantity) => new(orderId, quantity);

    private static SettleBatch Settle(params (string OrderId, int Quantity)[] items) =>
        new(items.Select(item => new SettleItem(item.OrderId, item.Quantity)).ToList());

    private Task SweepAsync(StockActor? actor = null) =>
        (actor ?? _actor).ReceiveReminderAsync("sweep", [], SweepInterval, SweepInterval);

    private IEnumerable<string> SavedKeys(string prefix) =>
        _state.Saved.Keys.Where(key => key.StartsWith(prefix, StringComparison.Ordinal)).Order(StringComparer.Ordinal);

    private async Task<StockLevels> StockedAsync(int available)
    {
        await _actor.SetStockAsync(available);
        return await _actor.GetLevelsAsync();
    }

    [Fact]
    public async Task The_meters_count_reservations_and_refusals_by_cause_and_show_the_units_per_state()
    {
        using var metrics = new MetricRecorder(_meters, InventoryMetrics.MeterName);
        await StockedAsync(5);

        var batch = Batch(Item("o-1", 2), Item("o-2", 4), Item("o-3", 3));
        await _actor.ReserveAsync(batch);
        await _actor.ReserveAsync(batch);

        // The retry of the same batch gets the recorded outcomes and counts nothing again.
        Assert.Equal(2, metrics.Sum("flashsale.stock.reservations", ("flashsale.sku", Sku)));
        Assert.Equal(1, metrics.Sum("flashsale.stock.refusals", ("flashsale.sku", Sku), ("flashsale.refusal.cause", "sold_out")));
        var units = metrics.Of("flashsale.stock.units");
        Assert.Equal(0, units.Last(m => m.Has("flashsale.stock.state", "available")).Value);
        Assert.Equal(5, units.Last(m => m.Has("flashsale.stock.state", "reserved")).Value);
        Assert.Equal(0, metrics.Sum("flashsale.stock.expiries"));
    }

    [Fact]
    public async Task A_long_sale_keeps_the_sdks_state_cache_bounded_and_still_settles_orders_whose_records_were_unloaded()
    {
        const int orders = 3 * StockState.MaxCachedRecords;
        await StockedAsync(orders + 10);
        var orderIds = Enumerable.Range(0, orders).Select(i => $"o-{i}").ToList();

        foreach (var chunk in orderIds.Chunk(64))
        {
            await _actor.ReserveAsync(Batch([.. chunk.Select(orderId => Item(orderId, 1))]));
        }

        // The oldest reservations were unloaded long ago: their commits read them from the store again.
        var settled = new List<bool>();
        foreach (var chunk in orderIds.Chunk(64))
        {
            settled.AddRange((await _actor.CommitAsync(Settle([.. chunk.Select(orderId => (orderId, 1))]))).Settled);
        }

        var levels = await _actor.GetLevelsAsync();
        Assert.Equal((10, 0, orders), (levels.Available, levels.Reserved, levels.Sold));
        Assert.Equal(orders, settled.Count(committed => committed));
        Assert.InRange(_state.MostCachedKeys, StockState.MaxCachedRecords, StockState.MaxCachedRecords + 3 * 64 + 8);
    }

    [Fact]
    public async Task A_batch_reserves_each_item_on_its_own_in_one_save_and_schedules_one_sweep()
    {
        await StockedAsync(5);
        var savesBefore = _state.Saves;

        var result = await _actor.ReserveAsync(Batch(Item("o-1", 2), Item("o-2", 4), Item("o-3", 3)));

        Assert.Equal([ReserveOutcome.Reserved, ReserveOutcome.SoldOut, ReserveOutcome.Reserved], result.Outcomes);
        Assert.Equal(new StockLevels(Sku, 0, 5, 0), result.Levels);
        Assert.Equal(savesBefore + 1 + 1, _state.Saves);
        Assert.Equal(["reservation-o-1", "reservation-o-3"], SavedKeys("reservation-"));
        Assert.Equal(["batch-0"], SavedKeys("batch-"));
        Assert.Equal(["sweep"], _reminders.Registered.Keys);
        Assert.Equal(SweepInterval, _reminders.Registered["sweep"].Period);
    }

    [Fact]
    public async Task What_one_save_writes_does_not_grow_with_the_orders_of_the_sale()
    {
        await StockedAsync(StockLedger.MaxUnits);
        var written = new List<int>();
        for (var call = 0; call < 30; call++)
        {
            var keysBefore = _state.Saved.Count;
            await _actor.ReserveAsync(Batch([.. Enumerable.Range(0, 10).Select(i => Item($"o-{call}-{i}", 1))]));
            written.Add(_state.Saved.Count - keysBefore);
        }

        // Each call adds its 10 reservations, its batch and its call record, whatever came before.
        Assert.All(written.Skip(1), keys => Assert.Equal(12, keys));
    }

    [Fact]
    public async Task A_retried_batch_gets_the_first_outcomes_and_reserves_nothing_more_even_after_a_reactivation()
    {
        await StockedAsync(3);
        var batch = Batch(Item("o-1", 2), Item("o-2", 2));
        var first = await _actor.ReserveAsync(batch);

        var again = await _actor.ReserveAsync(batch);
        var afterReactivation = await NewActor().ReserveAsync(batch);

        Assert.Equal(first.Outcomes, again.Outcomes);
        Assert.Equal(first.Outcomes, afterReactivation.Outcomes);
        Assert.Equal(new StockLevels(Sku, 1, 2, 0), await _actor.GetLevelsAsync());
    }

    [Fact]
    public async Task A_call_that_reserved_nothing_stores_nothing_and_its_retry_gets_the_same_answer_for_a_while()
    {
        await StockedAsync(1);
        var refused = Batch(Item("o-big", 2));

        Assert.Equal([ReserveOutcome.SoldOut], (await _actor.ReserveAsync(refused)).Outcomes);
        await _actor.SetStockAsync(5);
        Assert.Equal([ReserveOutcome.SoldOut], (await _actor.ReserveAsync(refused)).Outcomes);
        Assert.Empty(SavedKeys("call-"));
        Assert.Empty(SavedKeys("reservation-"));
        Assert.Empty(_reminders.Registered);

        _clock.Advance(RejectionMemory + TimeSpan.FromSeconds(1));
        Assert.Equal([ReserveOutcome.Reserved], (await _actor.ReserveAsync(refused)).Outcomes);
    }

    [Fact]
    public async Task An_item_that_may_repeat_is_looked_up_so_a_takeover_reuses_its_reservation()
    {
        await StockedAsync(5);
        await _actor.ReserveAsync(Batch(Item("o-1", 2)));

        var takeover = await _actor.ReserveAsync(Batch(new ReserveItem("o-1", 2, MayRepeat: true)));

        Assert.Equal([ReserveOutcome.Reserved], takeover.Outcomes);
        Assert.Equal(new StockLevels(Sku, 3, 2, 0), takeover.Levels);
    }

    [Fact]
    public async Task A_reserve_after_its_release_is_refused_and_holds_no_stock()
    {
        await StockedAsync(5);

        Assert.Equal([false], (await _actor.ReleaseAsync(Settle(("o-late", 0)))).Settled);
        var late = await _actor.ReserveAsync(Batch(new ReserveItem("o-late", 2, MayRepeat: true)));

        Assert.Equal([ReserveOutcome.SoldOut], late.Outcomes);
        Assert.Equal(new StockLevels(Sku, 5, 0, 0), late.Levels);
    }

    [Fact]
    public async Task A_malformed_item_is_refused_alone_and_the_rest_of_the_batch_goes_through()
    {
        await StockedAsync(5);

        var result = await _actor.ReserveAsync(Batch(Item("bad id", 1), Item("o-1", 0), Item("o-2", 1)));

        Assert.Equal([ReserveOutcome.SoldOut, ReserveOutcome.SoldOut, ReserveOutcome.Reserved], result.Outcomes);
        await Assert.ThrowsAsync<ArgumentException>(() => _actor.ReserveAsync(new ReserveBatch("bad id", [Item("o-3", 1)])));
    }

    [Fact]
    public async Task Commit_sells_release_gives_back_and_a_release_of_sold_units_returns_them()
    {
        await StockedAsync(10);
        await _actor.ReserveAsync(Batch(Item("o-1", 2), Item("o-2", 3), Item("o-3", 1)));

        var committed = await _actor.CommitAsync(Settle(("o-1", 2), ("o-2", 3)));
        var released = await _actor.ReleaseAsync(Settle(("o-3", 1), ("o-2", 3)));

        Assert.Equal([true, true], committed.Settled);
        Assert.Equal(new StockLevels(Sku, 4, 1, 5), committed.Levels);
        Assert.Equal([true, true], released.Settled);
        Assert.Equal(new StockLevels(Sku, 8, 0, 2), released.Levels);
    }

    [Fact]
    public async Task The_sweep_expires_what_is_due_tells_ordering_and_leaves_the_rest()
    {
        await StockedAsync(10);
        await _actor.ReserveAsync(Batch(Item("unpaid", 2), Item("paid", 3)));
        await _actor.CommitAsync(Settle(("paid", 3)));
        _clock.Advance(Timeout / 2);
        await _actor.ReserveAsync(Batch(Item("recent", 1)));
        _clock.Advance(Timeout / 2);

        await SweepAsync();

        Assert.Equal(new StockLevels(Sku, 6, 1, 3), await _actor.GetLevelsAsync());
        var expired = Assert.Single(_events.Of<ReservationExpired>());
        Assert.Equal(("unpaid", 2), (expired.OrderId, expired.Quantity));
        Assert.Equal(ReservationStatus.Expired, _state.SavedValue<Reservation>("reservation-unpaid")!.Status);

        await SweepAsync();
        Assert.Single(_events.Of<ReservationExpired>());
    }

    [Fact]
    public async Task A_payment_after_the_expiry_takes_the_units_again_or_finds_them_gone()
    {
        await StockedAsync(3);
        await _actor.ReserveAsync(Batch(Item("late-lucky", 1), Item("late-unlucky", 2)));
        _clock.Advance(Timeout);
        await SweepAsync();
        await _actor.ReserveAsync(Batch(Item("meanwhile", 2)));

        var committed = await _actor.CommitAsync(Settle(("late-lucky", 1), ("late-unlucky", 2)));

        Assert.Equal([true, false], committed.Settled);
        Assert.Equal(new StockLevels(Sku, 0, 2, 1), committed.Levels);
    }

    [Fact]
    public async Task The_sweep_forgets_settled_records_after_the_retention_and_then_stops()
    {
        await StockedAsync(10);
        var batch = Batch(Item("o-1", 1), Item("o-2", 1));
        await _actor.ReserveAsync(batch);
        await _actor.CommitAsync(Settle(("o-1", 1)));
        await _actor.ReleaseAsync(Settle(("o-2", 1), ("never-reserved", 0)));
        _clock.Advance(Timeout);
        await SweepAsync();
        Assert.NotEmpty(SavedKeys("reservation-"));

        _clock.Advance(Retention);
        await SweepAsync();

        Assert.Empty(SavedKeys("reservation-"));
        Assert.Empty(SavedKeys("batch-"));
        Assert.Empty(SavedKeys("call-"));
        Assert.Empty(_reminders.Registered);
        Assert.Equal(new StockLevels(Sku, 9, 0, 1), await _actor.GetLevelsAsync());
        // Its retry window is long over, so the forgotten call is decided afresh; the record of the sale stays in counts.
        Assert.False(_state.SavedValue<StockSchedule>("schedule")!.SweepRegistered);
    }

    [Fact]
    public async Task Sold_out_is_published_once_when_available_reaches_zero_and_its_units_in_figures()
    {
        await StockedAsync(2);

        await _actor.ReserveAsync(Batch(Item("o-1", 1)));
        await _actor.ReserveAsync(Batch(Item("o-2", 1)));
        await _actor.ReserveAsync(Batch(Item("o-3", 1)));

        var soldOut = Assert.Single(_events.Of<SoldOut>());
        var newest = await Eventually.MatchesAsync(() => _events.Of<StockChanged>().MaxBy(change => change.Sequence),
            change => change is { Available: 0, Reserved: 2 }, "the newest stock figures", cancellationToken: Cancellation);
        Assert.Equal(soldOut.Sequence, newest!.Sequence);
    }

    [Fact]
    public async Task Stock_figures_go_out_after_the_save_with_a_growing_sequence()
    {
        await StockedAsync(10);
        for (var i = 0; i < 5; i++)
        {
            await _actor.ReserveAsync(Batch(Item($"o-{i}", 1)));
        }

        var changes = await Eventually.MatchesAsync(() => _events.Published.Where(entry => entry.Event is StockChanged).ToList(),
            published => published.Any(entry => ((StockChanged)entry.Event).Available == 5), "the figures after five reservations",
            cancellationToken: Cancellation);
        var sequences = changes.Select(entry => ((StockChanged)entry.Event).Sequence).ToList();
        Assert.Equal(sequences.Order(), sequences);
        Assert.All(changes, entry => Assert.True(entry.SavesBefore > 0, "a change was published before it was saved"));
    }

    [Fact]
    public async Task A_failed_publish_does_not_fail_the_saved_change_and_the_sweep_sends_the_events_later()
    {
        await StockedAsync(1);
        await _actor.ReserveAsync(Batch(Item("o-1", 1)));
        _events.Fail = true;
        _clock.Advance(Timeout);

        await SweepAsync();

        Assert.Equal(new StockLevels(Sku, 1, 0, 0), await _actor.GetLevelsAsync());
        Assert.Single(_state.SavedValue<List<PendingEvent>>("outbox")!);
        Assert.Contains("sweep", _reminders.Registered.Keys);

        _events.Fail = false;
        await SweepAsync();

        Assert.Equal("o-1", Assert.Single(_events.Of<ReservationExpired>()).OrderId);
        Assert.Null(_state.SavedValue<List<PendingEvent>>("outbox"));
    }

    [Fact]
    public async Task The_per_customer_limit_holds_across_batches_and_reactivations_and_a_release_gives_it_back()
    {
        await StockedAsync(10);
        var limit = new CustomerLimit("sale-1", 2);
        ReserveItem Buy(string orderId) => new(orderId, 1, "alice", limit);

        var first = await _actor.ReserveAsync(Batch(Buy("o-1"), Buy("o-2"), Buy("o-3")));
        var afterReactivation = await NewActor().ReserveAsync(Batch(Buy("o-4")));
        await _actor.ReleaseAsync(Settle(("o-1", 1)));
        var afterRelease = await NewActor().ReserveAsync(Batch(Buy("o-5")));

        Assert.Equal([ReserveOutcome.Reserved, ReserveOutcome.Reserved, ReserveOutcome.CustomerLimit], first.Outcomes);
        Assert.Equal([ReserveOutcome.CustomerLimit], afterReactivation.Outcomes);
        Assert.Equal([ReserveOutcome.Reserved], afterRelease.Outcomes);
    }

    [Fact]
    public async Task A_reminder_of_the_earlier_design_is_unregistered()
    {
        _reminders.Registered["reservation-expiry-o-1"] = null!;

        await _actor.ReceiveReminderAsync("reservation-expiry-o-1", [], TimeSpan.Zero, System.Threading.Timeout.InfiniteTimeSpan);

        Assert.Empty(_reminders.Registered);
    }
}
