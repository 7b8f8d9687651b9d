namespace FlashSale.TestSupport.Sidecar;

/// <summary>
/// Something that handles one item at a time, in order: a partition as one consumer group reads it. A queue drained by
/// at most one task at a time; the first <see cref="Enqueue"/> into an idle lane tells its caller to start draining.
/// </summary>
internal sealed class Lane<T>
{
    private readonly Queue<T> _queue = new();
    private bool _draining;

    /// <summary>Queues the item; true when the caller must start draining.</summary>
    public bool Enqueue(T item)
    {
        lock (_queue)
        {
            _queue.Enqueue(item);
            if (_draining)
            {
                return false;
            }

            _draining = true;
            return true;
        }
    }

    /// <summary>The next item, left in the queue until <see cref="Dequeue"/>; false (and the lane idle) when empty.</summary>
    public bool TryPeek(out T item)
    {
        lock (_queue)
        {
            if (_queue.TryPeek(out item!))
            {
                return true;
            }

            _draining = false;
            return false;
        }
    }

    public void Dequeue()
    {
        lock (_queue)
        {
            _queue.Dequeue();
        }
    }

    public T[] Snapshot()
    {
        lock (_queue)
        {
            return _queue.ToArray();
        }
    }
}

/// <summary>
/// The modelled clock of something that does one thing at a time (an actor id, a partition of the outbox's topic). Each
/// piece of work starts in the model when it arrived or when the previous one ended, whichever is later; so when one
/// real wait overran (a busy machine, a timer's tick) the next is shorter, and over many items the rate is the model's.
/// </summary>
internal sealed class VirtualTimeline
{
    private readonly Lock _lock = new();
    private long _end;

    /// <summary>When work that arrived at <paramref name="arrival"/> and takes <paramref name="duration"/> ends in the model.</summary>
    public long Schedule(long arrival, TimeSpan duration)
    {
        lock (_lock)
        {
            _end = PlatformClock.After(Math.Max(arrival, _end), duration);
            return _end;
        }
    }
}
