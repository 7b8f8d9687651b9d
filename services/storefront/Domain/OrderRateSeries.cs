namespace FlashSale.Storefront.Domain;

/// <summary>
/// Orders per second over the last minutes, from successive readings of a running total (confirmed plus cancelled
/// orders on the dashboard). Each reading's increase is credited to the bucket it was observed in; buckets older than
/// the window are dropped. A total that went down (a reset read side) starts the series afresh rather than counting
/// negative orders.
/// </summary>
public sealed class OrderRateSeries(TimeSpan bucket, int buckets)
{
    private readonly SortedDictionary<long, long> _ordersPerBucket = [];
    private long? _lastTotal;

    public TimeSpan Bucket => bucket;

    public int Buckets => buckets;

    public void Record(DateTimeOffset at, long total)
    {
        if (_lastTotal is { } last && total >= last)
        {
            var index = at.UtcTicks / bucket.Ticks;
            _ordersPerBucket[index] = _ordersPerBucket.GetValueOrDefault(index) + (total - last);
            foreach (var old in _ordersPerBucket.Keys.Where(key => key <= index - buckets).ToList())
            {
                _ordersPerBucket.Remove(old);
            }
        }
        else if (_lastTotal is not null)
        {
            _ordersPerBucket.Clear();
        }

        _lastTotal = total;
    }

    /// <summary>The rate of each bucket of the window ending at <paramref name="now"/>, oldest first (zero where nothing came).</summary>
    public IReadOnlyList<double> RatesAt(DateTimeOffset now)
    {
        var current = now.UtcTicks / bucket.Ticks;
        return Enumerable.Range(0, buckets)
            .Select(offset => current - buckets + 1 + offset)
            .Select(index => _ordersPerBucket.GetValueOrDefault(index) / bucket.TotalSeconds)
            .ToList();
    }
}
