using System.Threading.Channels;
using Dapr.Client;
using FlashSale.Messaging;
using FlashSale.Sidecar;
using Microsoft.Extensions.Options;

namespace FlashSale.Ordering.Infrastructure.Outbox;

/// <summary>An outbox entry's place: the state key it is saved under, and its number in this writer's sequence.</summary>
internal sealed record OutboxSlot(string Key, long Number);

/// <summary>
/// Ordering's own transactional outbox (docs/adr/0019). The order store saves each event as an entry key in the same
/// state transaction as the order; once the transaction has committed, this relay publishes the entry and deletes it.
/// Entries are numbered per writer (one writer per process), so that what a crashed writer left can be found without
/// listing keys: its record says which numbers it had reserved and which were already done, and any other writer that
/// sees it silent for longer than its lease publishes the entries in that range. Events are published at least once,
/// keyed by order id; consumers de-duplicate by the order's version.
/// </summary>
internal sealed partial class OrderOutbox(
    DaprClient dapr, IEventPublisher publisher, IOptions<OutboxOptions> options, TimeProvider clock, ILogger<OrderOutbox> logger)
    : BackgroundService
{
    private const string WriterListKey = "outbox-writers";
    private const int RecoveryChunk = 100;

    private readonly Channel<(OutboxSlot Slot, OutboxEntry Entry)> _ready = Channel.CreateUnbounded<(OutboxSlot, OutboxEntry)>();
    private readonly SemaphoreSlim _reserving = new(1, 1);
    private readonly TaskCompletionSource _registered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SortedSet<long> _open = [];
    private readonly Lock _gate = new();
    private long _next;
    private long _reservedUpTo;

    public string WriterId { get; } = Guid.NewGuid().ToString("N");

    private OutboxOptions Settings => options.Value;

    /// <summary>Entries not yet published and deleted (saved, being saved, or waiting for the relay).</summary>
    public int Pending
    {
        get
        {
            lock (_gate)
            {
                return _open.Count;
            }
        }
    }

    /// <summary>Numbers the next <paramref name="count"/> entries, reserving a new block first when this one is used up.</summary>
    public async Task<IReadOnlyList<OutboxSlot>> AllocateAsync(int count, CancellationToken cancellationToken)
    {
        await _registered.Task.WaitAsync(cancellationToken);
        await _reserving.WaitAsync(cancellationToken);
        try
        {
            while (_next + count > _reservedUpTo)
            {
                var reserved = _reservedUpTo + Math.Max(Settings.ReservationBlock, count);
                await SaveWriterAsync(reserved, cancellationToken);
                _reservedUpTo = reserved;
            }

            var slots = Enumerable.Range(0, count).Select(i => new OutboxSlot(EntryKey(WriterId, _next + i), _next + i)).ToList();
            _next += count;
            lock (_gate)
            {
                _open.UnionWith(slots.Select(slot => slot.Number));
            }

            return slots;
        }
        finally
        {
            _reserving.Release();
        }
    }

    /// <summary>The transaction holding the entries committed: publish them now.</summary>
    public void Committed(IEnumerable<(OutboxSlot Slot, OutboxEntry Entry)> entries)
    {
        foreach (var entry in entries)
        {
            _ready.Writer.TryWrite(entry);
        }
    }

    /// <summary>The transaction is known not to have committed: the entries never existed.</summary>
    public void Abandoned(IEnumerable<OutboxSlot> slots) => Close(slots.Select(slot => slot.Number));

    /// <summary>
    /// Whether the transaction committed is unknown (cut off at a deadline, the sidecar may still commit it): look for
    /// the entries again once the store can no longer commit it, and publish those that exist.
    /// </summary>
    public void Uncertain(IReadOnlyList<(OutboxSlot Slot, OutboxEntry Entry)> entries) =>
        _ = Task.Run(async () =>
        {
            await Task.Delay(Settings.UncertainSaveWindow, clock);
            foreach (var (slot, entry) in entries)
            {
                if (await ExistsAsync(slot.Key))
                {
                    _ready.Writer.TryWrite((slot, entry));
                }
                else
                {
                    Close([slot.Number]);
                }
            }
        });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RegisterAsync(stoppingToken);
        var relays = Enumerable.Range(0, Settings.Concurrency).Select(_ => RelayAsync(stoppingToken)).ToList();
        using var beat = new PeriodicTimer(Settings.HeartbeatInterval, clock);
        try
        {
            while (await beat.WaitForNextTickAsync(stoppingToken))
            {
                await GuardAsync(() => HeartbeatAsync(stoppingToken), "heartbeat");
                await GuardAsync(() => RecoverSilentWritersAsync(stoppingToken), "recovery");
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        _ready.Writer.TryComplete();
        await Task.WhenAll(relays);
    }

    private async Task RelayAsync(CancellationToken stoppingToken)
    {
        var backoff = TimeSpan.FromMilliseconds(100);
        await foreach (var (slot, entry) in _ready.Reader.ReadAllAsync(CancellationToken.None))
        {
            while (true)
            {
                try
                {
                    await PublishAndDeleteAsync(slot.Key, entry, CancellationToken.None);
                    Close([slot.Number]);
                    backoff = TimeSpan.FromMilliseconds(100);
                    break;
                }
                catch (Exception ex) when (ex is EventPublishException or StateStoreUnavailableException)
                {
                    // The entry stays saved; this writer retries it (and, should it die, another writer will).
                    LogRelayFailed(ex, slot.Key);
                    try
                    {
                        await Task.Delay(backoff, clock, stoppingToken);
                    }
                    catch (OperationCanceledException)
                    {
                        // Shutting down: the entry stays saved for the writer that takes this one over.
                        break;
                    }

                    backoff = TimeSpan.FromTicks(Math.Min(backoff.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
                }
            }
        }
    }

    private async Task PublishAndDeleteAsync(string key, OutboxEntry entry, CancellationToken cancellationToken)
    {
        await publisher.PublishAsync(new SerializedEvent(entry.Topic, entry.Type, entry.PartitionKey, entry.Data), cancellationToken);
        await StateWrites.GuardAsync(OrderStore.StoreName, () => dapr.DeleteStateAsync(OrderStore.StoreName, key, cancellationToken: cancellationToken));
    }

    private async Task RegisterAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                await SaveWriterAsync(Settings.ReservationBlock, stoppingToken);
                _reservedUpTo = Settings.ReservationBlock;
                await UpdateWriterListAsync(ids => ids.Contains(WriterId) ? null : [.. ids, WriterId], stoppingToken);
                _registered.TrySetResult();
                LogRegistered(WriterId);
                return;
            }
            catch (StateStoreUnavailableException ex)
            {
                LogRegistrationFailed(ex);
                await Task.Delay(delay, clock, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(10).Ticks));
            }
        }
    }

    /// <summary>Tells the others this writer lives and how far its entries are done; re-registers if it was taken for dead.</summary>
    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        var (current, _) = await ReadWriterAsync(WriterId, cancellationToken);
        await _reserving.WaitAsync(cancellationToken);
        try
        {
            await SaveWriterAsync(_reservedUpTo, cancellationToken);
        }
        finally
        {
            _reserving.Release();
        }

        if (current is null || current.RecoveredBy is not null)
        {
            await UpdateWriterListAsync(ids => ids.Contains(WriterId) ? null : [.. ids, WriterId], cancellationToken);
        }
    }

    /// <summary>Publishes what writers that stopped answering left, each taken over by one live writer.</summary>
    private async Task RecoverSilentWritersAsync(CancellationToken cancellationToken)
    {
        var (list, _) = await ReadAsync<OutboxWriterList>(WriterListKey, cancellationToken);
        foreach (var writerId in list?.WriterIds.Where(id => id != WriterId) ?? [])
        {
            var (record, etag) = await ReadWriterAsync(writerId, cancellationToken);
            var now = clock.GetUtcNow();
            if (record is not null && record.HeartbeatAt + Settings.WriterLease > now)
            {
                continue;
            }

            if (record is not null)
            {
                var claim = record with { HeartbeatAt = now, RecoveredBy = WriterId };
                if (!await StateWrites.TryAsync(OrderStore.StoreName,
                        () => dapr.TrySaveStateAsync(OrderStore.StoreName, WriterKey(writerId), claim, etag, cancellationToken: cancellationToken),
                        async () => (await ReadWriterAsync(writerId, cancellationToken)).ETag != etag))
                {
                    continue;
                }

                var recovered = await RecoverRangeAsync(writerId, record.PublishedBelow, record.ReservedUpTo, cancellationToken);
                LogRecovered(writerId, recovered);
                await StateWrites.GuardAsync(OrderStore.StoreName, () =>
                    dapr.DeleteStateAsync(OrderStore.StoreName, WriterKey(writerId), cancellationToken: cancellationToken));
            }

            await UpdateWriterListAsync(ids => ids.Contains(writerId) ? [.. ids.Where(id => id != writerId)] : null, cancellationToken);
        }
    }

    private async Task<int> RecoverRangeAsync(string writerId, long from, long to, CancellationToken cancellationToken)
    {
        var recovered = 0;
        for (var start = from; start < to; start += RecoveryChunk)
        {
            var keys = Enumerable.Range(0, (int)Math.Min(RecoveryChunk, to - start)).Select(i => EntryKey(writerId, start + i)).ToList();
            var found = await StateWrites.GuardAsync(OrderStore.StoreName, () =>
                dapr.GetBulkStateAsync<OutboxEntry?>(OrderStore.StoreName, keys, parallelism: null, cancellationToken: cancellationToken));
            foreach (var item in found.Where(item => item.Value is not null))
            {
                await PublishAndDeleteAsync(item.Key, item.Value!, cancellationToken);
                recovered++;
            }
        }

        return recovered;
    }

    private async Task SaveWriterAsync(long reservedUpTo, CancellationToken cancellationToken) =>
        await StateWrites.GuardAsync(OrderStore.StoreName, () => dapr.SaveStateAsync(OrderStore.StoreName, WriterKey(WriterId),
            new OutboxWriterRecord(WriterId, clock.GetUtcNow(), PublishedBelow(), reservedUpTo, RecoveredBy: null),
            cancellationToken: cancellationToken));

    private async Task UpdateWriterListAsync(Func<IReadOnlyList<string>, IReadOnlyList<string>?> change, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (list, etag) = await ReadAsync<OutboxWriterList>(WriterListKey, cancellationToken);
            if (change(list?.WriterIds ?? []) is not { } changed)
            {
                return;
            }

            if (await StateWrites.TryAsync(OrderStore.StoreName,
                    () => dapr.TrySaveStateAsync(OrderStore.StoreName, WriterListKey, new OutboxWriterList(changed), etag,
                        new StateOptions { Concurrency = ConcurrencyMode.FirstWrite }, cancellationToken: cancellationToken),
                    async () => (await ReadAsync<OutboxWriterList>(WriterListKey, cancellationToken)).ETag != etag)
                || attempt == 10)
            {
                return;
            }
        }
    }

    private long PublishedBelow()
    {
        lock (_gate)
        {
            return _open.Count > 0 ? _open.Min : _next;
        }
    }

    private void Close(IEnumerable<long> numbers)
    {
        lock (_gate)
        {
            _open.ExceptWith(numbers);
        }
    }

    private async Task<bool> ExistsAsync(string key)
    {
        try
        {
            return (await ReadAsync<OutboxEntry>(key, CancellationToken.None)).Value is not null;
        }
        catch (StateStoreUnavailableException)
        {
            // Cannot tell: assume it exists; publishing an entry that was never saved is a duplicate at worst.
            return true;
        }
    }

    private Task<(OutboxWriterRecord? Value, string ETag)> ReadWriterAsync(string writerId, CancellationToken cancellationToken) =>
        ReadAsync<OutboxWriterRecord>(WriterKey(writerId), cancellationToken);

    private async Task<(T? Value, string ETag)> ReadAsync<T>(string key, CancellationToken cancellationToken) where T : class
    {
        var (value, etag) = await StateWrites.GuardAsync(OrderStore.StoreName, () =>
            dapr.GetStateAndETagAsync<T?>(OrderStore.StoreName, key, cancellationToken: cancellationToken));
        return (value, etag ?? string.Empty);
    }

    private async Task GuardAsync(Func<Task> step, string name)
    {
        try
        {
            await step();
        }
        catch (StateStoreUnavailableException ex)
        {
            LogStepFailed(ex, name);
        }
    }

    private static string EntryKey(string writerId, long number) => $"outbox-{writerId}-{number}";

    private static string WriterKey(string writerId) => $"outbox-writer-{writerId}";

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox writer {WriterId} registered")]
    private partial void LogRegistered(string writerId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Registering the outbox writer failed; retrying")]
    private partial void LogRegistrationFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Relaying outbox entry {Key} failed; it stays saved and is retried")]
    private partial void LogRelayFailed(Exception exception, string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox writer {WriterId} stopped answering; published the {Count} entries it left")]
    private partial void LogRecovered(string writerId, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The outbox {Step} failed; trying again at the next heartbeat")]
    private partial void LogStepFailed(Exception exception, string step);
}
