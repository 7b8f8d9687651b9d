namespace FlashSale.LoadGen.Domain;

/// <summary>
/// What a flash-sale run measured and concluded: the figures of the final table and of the JSON report
/// (<c>--report FILE</c>). Durations are in seconds, latencies in milliseconds.
/// </summary>
public sealed record LoadReport
{
    public required string Gateway { get; init; }

    public required string Sku { get; init; }

    public required DateTimeOffset StartedAt { get; init; }

    /// <summary>The run was stopped (Ctrl-C, SIGTERM) before its schedule ended: the figures are those so far.</summary>
    public required bool Interrupted { get; init; }

    public required SetupFigures Setup { get; init; }

    public required ThroughputFigures Throughput { get; init; }

    /// <summary>From the buyer's scheduled arrival to the product page's answer.</summary>
    public required LatencySummary Browse { get; init; }

    /// <summary>
    /// From the moment the buyer clicks "buy" (its scheduled arrival, or the product page's answer when it browses) to
    /// the placement's final answer, retries and their waits included.
    /// </summary>
    public required LatencySummary Placement { get; init; }

    /// <summary>From the 201 to the first poll that saw the order Confirmed or Cancelled (resolution: the poll interval).</summary>
    public required LatencySummary Settle { get; init; }

    /// <summary>How long <see cref="SettleOfFirstWindow"/> and <see cref="SettleOfLastWindow"/> are: 10 s, as issue 10 compares them.</summary>
    public static readonly TimeSpan SettleWindow = TimeSpan.FromSeconds(10);

    /// <summary><see cref="Settle"/> of the orders placed in the run's first <see cref="SettleWindow"/>.</summary>
    public LatencySummary SettleOfFirstWindow { get; init; } = LatencySummary.Empty;

    /// <summary><see cref="Settle"/> of the orders placed in its last <see cref="SettleWindow"/> (up to the last placed order that settled).</summary>
    public LatencySummary SettleOfLastWindow { get; init; } = LatencySummary.Empty;

    /// <summary>Last window's settle p99 over the first's: above 1 the pipeline fell behind while the sale went on; null without both.</summary>
    public double? SettleGrowth => SettleOfFirstWindow.Count > 0 && SettleOfLastWindow.Count > 0 && SettleOfFirstWindow.P99Ms > 0
        ? Math.Round(SettleOfLastWindow.P99Ms / SettleOfFirstWindow.P99Ms, 2)
        : null;

    /// <summary>Every answer to a placement attempt (retries included) by HTTP status, "no answer" when none came.</summary>
    public required IReadOnlyDictionary<string, long> AnswersByStatus { get; init; }

    /// <summary>The refusals among them by status and problem title, e.g. "409 Sold out".</summary>
    public required IReadOnlyDictionary<string, long> AnswersByProblem { get; init; }

    /// <summary>From the start of the timed phase to the first "409 Sold out"; null if it never sold out.</summary>
    public double? TimeToSoldOutSeconds { get; init; }

    public required OrderFigures Orders { get; init; }

    public required StockFigures Stock { get; init; }

    public required IReadOnlyList<InvariantResult> Invariants { get; init; }

    public IReadOnlyList<ChaosEvent> Chaos { get; init; } = [];

    public bool AnyInvariantBroken => Invariants.Any(invariant => invariant.Status == InvariantStatus.Broken);

    /// <summary>Units sold beyond the stock on sale (the benchmark's <c>oversold</c>).</summary>
    public long Oversold => ViolationsOf(InvariantRules.NotOversold);

    public long Unsettled => ViolationsOf(InvariantRules.AllSettled);

    public long DoubleCharged => ViolationsOf(InvariantRules.ChargedOnce);

    private long ViolationsOf(string invariant) => Invariants.FirstOrDefault(result => result.Name == invariant)?.Violations ?? 0;
}

/// <summary>The untimed preparation, reported apart from the sale: signing up and in is deliberately slow (PBKDF2).</summary>
public sealed record SetupFigures(double SaleSeconds, double CustomersSeconds, int CustomersSignedUp, int CustomersReused);

/// <summary>
/// <see cref="OfferedPerSecond"/> is the schedule's arrivals over its duration; <see cref="AchievedPerSecond"/> the
/// buyers whose placement got a final answer over the time from the first arrival to the last answer.
/// </summary>
public sealed record ThroughputFigures(
    long Arrivals, double ScheduledSeconds, double OfferedPerSecond, long Answered, double AnsweredSeconds, double AchievedPerSecond,
    long OrdersPlaced, double OrdersPerSecond);

public sealed record OrderFigures(int Placed, int Confirmed, int Cancelled, int Unsettled, int ConfirmedUnits, int BuyersGaveUp, int BuyersRefused);

public sealed record StockFigures(int UnitsOnSale, StockLevels Before, StockLevels After, int? DashboardUnitsSold);

/// <summary>Something loadgen did to the system during the run, e.g. deleting a pod.</summary>
public sealed record ChaosEvent(double AtSeconds, string What);
