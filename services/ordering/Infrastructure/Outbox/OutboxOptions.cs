namespace FlashSale.Ordering.Infrastructure.Outbox;

/// <summary>Configuration section <c>Ordering:Outbox</c>: how the relay publishes and how writers watch each other.</summary>
public sealed class OutboxOptions
{
    public const string Section = "Ordering:Outbox";

    /// <summary>Publishes in flight at once; the relay's ceiling is this over (publish + delete) time (docs/adr/0019).</summary>
    public int Concurrency { get; set; } = 64;

    /// <summary>How often a writer tells the others it is alive, and records which of its entries are done.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>A writer silent for this long is presumed dead; another writer publishes what it left.</summary>
    public TimeSpan WriterLease { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Entry numbers a writer reserves at once (one state write per block).</summary>
    public int ReservationBlock { get; set; } = 1_000;

    /// <summary>
    /// How long an entry whose save was cut off may still appear (the state store's own operation timeout, plus a
    /// margin): until then the relay looks for it again rather than forgetting it.
    /// </summary>
    public TimeSpan UncertainSaveWindow { get; set; } = TimeSpan.FromSeconds(30);
}
