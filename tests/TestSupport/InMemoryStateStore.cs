using System.Collections.Concurrent;
using System.Globalization;
using Dapr;
using Dapr.Client;
using Grpc.Core;

namespace FlashSale.TestSupport;

/// <summary>One Dapr state store, modelled on Dapr's documented semantics: opaque ETags that change on every write,
/// first-write-wins (a write with no ETag only inserts) and last-write-wins, and all-or-nothing transactions.</summary>
public sealed class InMemoryStateStore(string name, ETagFormat etagFormat = ETagFormat.Opaque)
{
    private readonly ConcurrentDictionary<string, StoredItem> _items = new();
    private readonly Lock _writeLock = new();
    private long _etagCounter;
    private int _conflictsToInject;
    private string _conflictKeyPrefix = "";
    private volatile bool _unavailable;

    public string Name { get; } = name;

    public IReadOnlyCollection<string> Keys => _items.Keys.ToArray();

    public StoredItem? Get(string key)
    {
        ThrowIfUnavailable();
        return _items.TryGetValue(key, out var item) ? item : null;
    }

    /// <summary>
    /// The next <paramref name="count"/> conditional writes (with an ETag, or first-write inserts) to keys starting with
    /// <paramref name="keyPrefix"/> fail their check as if another writer had got there first: for tests of
    /// optimistic-concurrency retries, or of a crash between two writes.
    /// </summary>
    public void InjectConflicts(int count, string keyPrefix = "")
    {
        lock (_writeLock)
        {
            _conflictsToInject = count;
            _conflictKeyPrefix = keyPrefix;
        }
    }

    /// <summary>
    /// Until the result is disposed, every read and write fails the way an unreachable store does (a
    /// <see cref="DaprException"/> over gRPC <c>Unavailable</c>): for tests of the RETRY paths.
    /// </summary>
    public IDisposable SimulateOutage()
    {
        _unavailable = true;
        return new Outage(this);
    }

    /// <summary>Applies the writes atomically; returns false (nothing written) if any ETag check fails.</summary>
    public bool TryApply(IReadOnlyList<StateWrite> writes) => Apply(writes) == StateWriteResult.Applied;

    /// <summary>Applies the writes atomically, or nothing, and says why not.</summary>
    public StateWriteResult Apply(IReadOnlyList<StateWrite> writes)
    {
        ThrowIfUnavailable();
        lock (_writeLock)
        {
            if (_conflictsToInject > 0 && writes.Any(write => IsConditional(write) && write.Key.StartsWith(_conflictKeyPrefix, StringComparison.Ordinal)))
            {
                _conflictsToInject--;
                return StateWriteResult.ETagMismatch;
            }

            if (writes.Any(write => !string.IsNullOrEmpty(write.ETag) && !IsWellFormed(write.ETag)))
            {
                return StateWriteResult.ETagInvalid;
            }

            if (!writes.All(IsAllowed))
            {
                return StateWriteResult.ETagMismatch;
            }

            foreach (var write in writes)
            {
                if (write.Value is null)
                {
                    _items.TryRemove(write.Key, out _);
                }
                else
                {
                    _items[write.Key] = new StoredItem(write.Value, NextETag());
                }
            }

            return StateWriteResult.Applied;
        }
    }

    private static bool IsConditional(StateWrite write) =>
        !string.IsNullOrEmpty(write.ETag) || write.Concurrency == ConcurrencyMode.FirstWrite;

    private void ThrowIfUnavailable()
    {
        if (_unavailable)
        {
            throw new DaprException(
                "State operation failed: the Dapr endpoint indicated a failure. See InnerException for details.",
                new RpcException(new Status(StatusCode.Unavailable, $"state store '{Name}' is unreachable")));
        }
    }

    private sealed class Outage(InMemoryStateStore store) : IDisposable
    {
        public void Dispose() => store._unavailable = false;
    }

    private bool IsAllowed(StateWrite write)
    {
        var current = Get(write.Key);
        if (!string.IsNullOrEmpty(write.ETag))
        {
            // The ETag is checked whatever the concurrency mode (PostgreSQL: UPDATE ... WHERE etag = $x), and a key that
            // does not exist never matches.
            return current is not null && current.ETag == write.ETag;
        }

        // First-write-wins with no ETag means "insert only" (what Dapr's Postgres and Redis stores do); a delete with
        // no ETag is unconditional.
        return write.Value is null || write.Concurrency != ConcurrencyMode.FirstWrite || current is null;
    }

    // PostgreSQL's ETags are UUIDs and Redis's are version numbers: an ETag of the wrong shape is refused as invalid,
    // not as a mismatch, exactly as those stores refuse it.
    private bool IsWellFormed(string etag) => etagFormat switch
    {
        ETagFormat.Uuid => Guid.TryParse(etag, out _),
        ETagFormat.Version => long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out _),
        _ => true,
    };

    private string NextETag() => etagFormat switch
    {
        ETagFormat.Uuid => Guid.NewGuid().ToString(),
        _ => Interlocked.Increment(ref _etagCounter).ToString(CultureInfo.InvariantCulture),
    };
}

/// <summary>
/// How a store's ETags look. <see cref="Opaque"/> (the default) accepts any ETag and fails a wrong one as a mismatch;
/// <see cref="Version"/> (Redis) and <see cref="Uuid"/> (PostgreSQL) also refuse a malformed one as invalid.
/// </summary>
public enum ETagFormat
{
    Opaque,
    Version,
    Uuid,
}

public enum StateWriteResult
{
    Applied,
    ETagMismatch,
    ETagInvalid,
}

/// <summary>A stored value: the JSON bytes the SDK sent and the ETag the store assigned.</summary>
public sealed record StoredItem(byte[] Value, string ETag);

/// <summary>One write in a store operation or transaction; a null <see cref="Value"/> deletes.</summary>
public sealed record StateWrite(string Key, byte[]? Value, string? ETag, ConcurrencyMode Concurrency);
