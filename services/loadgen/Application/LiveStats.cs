using FlashSale.LoadGen.Domain;

namespace FlashSale.LoadGen.Application;

/// <summary>
/// The run as it goes, published every <see cref="LoadOptions.ProgressInterval"/>: rates over the last interval,
/// totals and latencies so far, and inventory's stock as last sampled.
/// </summary>
public sealed record LiveStats
{
    public required string Phase { get; init; }

    public string? Sku { get; init; }

    /// <summary>During setup: customers signed in so far, of how many.</summary>
    public int CustomersReady { get; init; }

    public int Customers { get; init; }

    /// <summary>Time since the timed phase started (zero before).</summary>
    public TimeSpan Elapsed { get; init; }

    public long Arrivals { get; init; }

    /// <summary>True from the start of the timed phase: the figures below are being filled in.</summary>
    public bool Timed { get; init; }

    /// <summary>The arrivals the schedule offers in all; null in the closed-loop mode, which has no schedule.</summary>
    public long? ScheduledArrivals { get; init; }

    public double OfferedPerSecond { get; init; }

    /// <summary>Buyers whose placement got its final answer per second, over the last interval.</summary>
    public double AchievedPerSecond { get; init; }

    public long BuyersInFlight { get; init; }

    public IReadOnlyDictionary<string, long> AnswersByStatus { get; init; } = new Dictionary<string, long>();

    public LatencySummary Placement { get; init; } = LatencySummary.Empty;

    public long OrdersPlaced { get; init; }

    public long OrdersSettled { get; init; }

    /// <summary>Units inventory sold since the run began, and what it has left; null until sampled.</summary>
    public int? UnitsSold { get; init; }

    public int? StockAvailable { get; init; }

    public int? StockReserved { get; init; }

    public IReadOnlyList<ChaosEvent> Chaos { get; init; } = [];
}
