using System.Collections.Concurrent;
using FlashSale.LoadGen.Domain;

namespace FlashSale.LoadGen.Application;

/// <summary>An order a buyer placed, and what it last saw of it.</summary>
internal sealed class TrackedOrder(string id, int quantity)
{
    public string Id => id;

    public int Quantity => quantity;

    /// <summary>Confirmed or Cancelled once seen; null while it has not settled.</summary>
    public string? FinalStatus { get; set; }
}

/// <summary>What the buyers of one run recorded, written by all of them at once.</summary>
internal sealed class RunStatistics(TimeProvider clock)
{
    private long _arrivals;
    private long _inFlight;
    private long _answered;
    private long _gaveUp;
    private long _refused;
    private long _settled;
    private long _lastAnswerAt;
    private long _firstSoldOutAt;

    public long StartTimestamp { get; private set; }

    public LatencyRecorder Browse { get; } = new();

    public LatencyRecorder Placement { get; } = new();

    public LatencyRecorder Settle { get; } = new();

    /// <summary>Each settled order's placement time (from the start) and settle latency, for <see cref="SettleWindows"/>.</summary>
    private ConcurrentQueue<(TimeSpan PlacedAfterStart, TimeSpan Settle)> Settles { get; } = new();

    public AnswerTally ByStatus { get; } = new();

    public AnswerTally ByProblem { get; } = new();

    public ConcurrentQueue<TrackedOrder> Orders { get; } = new();

    public ConcurrentQueue<ChaosEvent> Chaos { get; } = new();

    public StockWatch Stock { get; } = new();

    public long Arrivals => Interlocked.Read(ref _arrivals);

    public long InFlight => Interlocked.Read(ref _inFlight);

    public long Answered => Interlocked.Read(ref _answered);

    public long GaveUp => Interlocked.Read(ref _gaveUp);

    public long Refused => Interlocked.Read(ref _refused);

    public long Settled => Interlocked.Read(ref _settled);

    public TimeSpan Elapsed => StartTimestamp == 0 ? TimeSpan.Zero : clock.GetElapsedTime(StartTimestamp);

    /// <summary>From the start to the last final placement answer.</summary>
    public TimeSpan AnsweringTime => Interlocked.Read(ref _lastAnswerAt) is var last and > 0 ? clock.GetElapsedTime(StartTimestamp, last) : TimeSpan.Zero;

    public TimeSpan? TimeToSoldOut => Interlocked.Read(ref _firstSoldOutAt) is var first and > 0 ? clock.GetElapsedTime(StartTimestamp, first) : null;

    /// <summary>When the run was stopped early, from the start; null when the schedule ran to its end.</summary>
    public TimeSpan? StoppedAfter { get; private set; }

    public void Start() => StartTimestamp = clock.GetTimestamp();

    public void ArrivalsStopped() => StoppedAfter ??= Elapsed;

    public void BuyerArrived()
    {
        Interlocked.Increment(ref _arrivals);
        Interlocked.Increment(ref _inFlight);
    }

    public void BuyerLeft() => Interlocked.Decrement(ref _inFlight);

    public void Attempted(PlacementAnswer answer)
    {
        ByStatus.Add(answer.StatusLabel);
        if (answer.ProblemLabel is { } problem)
        {
            ByProblem.Add(problem);
        }

        if (answer.IsSoldOut)
        {
            Interlocked.CompareExchange(ref _firstSoldOutAt, clock.GetTimestamp(), 0);
        }
    }

    /// <summary>The buyer's placement ended with <paramref name="step"/>, <paramref name="latency"/> after the click.</summary>
    public void PlacementEnded(PlacementStep step, TimeSpan latency)
    {
        Placement.Record(latency);
        Interlocked.Increment(ref _answered);
        Interlocked.Exchange(ref _lastAnswerAt, clock.GetTimestamp());
        if (step is PlacementStep.GaveUp)
        {
            Interlocked.Increment(ref _gaveUp);
        }
        else if (step is PlacementStep.Refused)
        {
            Interlocked.Increment(ref _refused);
        }
    }

    /// <summary><paramref name="order"/>, placed at <paramref name="placedAt"/> (a timestamp of the clock), is now <paramref name="status"/>.</summary>
    public void OrderSettled(TrackedOrder order, string status, long placedAt)
    {
        order.FinalStatus = status;
        var afterPlacement = clock.GetElapsedTime(placedAt);
        Settle.Record(afterPlacement);
        Settles.Enqueue((clock.GetElapsedTime(StartTimestamp, placedAt), afterPlacement));
        Interlocked.Increment(ref _settled);
    }

    /// <summary>
    /// The settle latencies of the orders placed in the run's first <paramref name="window"/> and in its last (ending at
    /// the last placement that settled), both half-open: does settling stay flat while the sale goes on, or does a
    /// backlog grow? Orders that never settled are in neither: the report counts them as unsettled.
    /// </summary>
    public (LatencySummary First, LatencySummary Last) SettleWindows(TimeSpan window)
    {
        var settles = Settles.ToArray();
        if (settles.Length == 0)
        {
            return (LatencySummary.Empty, LatencySummary.Empty);
        }

        var lastPlacement = settles.Max(settle => settle.PlacedAfterStart);
        return (Summary(settles.Where(settle => settle.PlacedAfterStart < window)),
            Summary(settles.Where(settle => settle.PlacedAfterStart > lastPlacement - window)));

        static LatencySummary Summary(IEnumerable<(TimeSpan PlacedAfterStart, TimeSpan Settle)> settles)
        {
            var recorder = new LatencyRecorder();
            foreach (var settle in settles)
            {
                recorder.Record(settle.Settle);
            }

            return recorder.Summary();
        }
    }

    public void Record(ChaosEvent chaos) => Chaos.Enqueue(chaos);
}
