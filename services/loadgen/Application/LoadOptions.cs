using FlashSale.LoadGen.Domain;

namespace FlashSale.LoadGen.Application;

/// <summary>Who buys: accounts that already exist, or customers loadgen signs up (and reuses on a rerun).</summary>
public abstract record CustomerSource
{
    private CustomerSource()
    {
    }

    public abstract int Count { get; }

    public sealed record Existing(IReadOnlyList<Credentials> Accounts) : CustomerSource
    {
        public override int Count => Accounts.Count;
    }

    public sealed record SignedUp(GeneratedCustomers Customers) : CustomerSource
    {
        public override int Count => Customers.Count;
    }
}

/// <summary>
/// One flash-sale run. Defaults fit the laptop profile (its admin and demo password); everything is overridable
/// from the command line (see <c>loadgen --help</c>).
/// </summary>
public sealed record LoadOptions
{
    public required Uri Gateway { get; init; }

    /// <summary>An existing SKU to sell; null to create a product with a flash sale starting now.</summary>
    public string? Sku { get; init; }

    /// <summary>The new SKU is this prefix and a random suffix.</summary>
    public string SkuPrefix { get; init; } = "LOADGEN";

    /// <summary>Units put on sale (inventory's available units). Null: 1,000 for a new sale, an existing SKU's stock untouched.</summary>
    public int? Units { get; init; }

    public decimal Price { get; init; } = 100m;

    public decimal SalePrice { get; init; } = 49m;

    public string Currency { get; init; } = "EUR";

    public RateProfile Rate { get; init; } = RateProfile.Constant(50, TimeSpan.FromSeconds(30));

    /// <summary>
    /// Null: buyers arrive at <see cref="Rate"/> (open loop). Otherwise this many buyers place orders back to back for
    /// the rate's duration, each as soon as its previous placement was answered, and follow them in the background:
    /// the maximum-throughput mode, which offers as much as the system takes (latency is then per placement).
    /// </summary>
    public int? ClosedLoopBuyers { get; init; }

    /// <summary>Units per order.</summary>
    public int Quantity { get; init; } = 1;

    public Credentials Admin { get; init; } = new("admin", "admin-demo-password");

    public required CustomerSource Customers { get; init; }

    /// <summary>Each buyer reads the product before buying.</summary>
    public bool Browse { get; init; } = true;

    public RetryPolicy Retry { get; init; } = RetryPolicy.Default;

    /// <summary>
    /// How a buyer follows its order after the 201: its live stream (what the storefront's order page does: one request,
    /// then the read side pushes each change), or reading it again and again.
    /// </summary>
    public OrderFollowing Follow { get; init; } = OrderFollowing.Stream;

    /// <summary>
    /// At most this many order streams open at once (null: no limit). A buyer beyond it waits for a stream to close
    /// before it opens its own, so its settle latency is counted late, never early. Each stream is a socket; run in one
    /// process with the system (the benchmark), each costs four descriptors against the process's limit.
    /// </summary>
    public int? MaxOpenStreams { get; init; }

    /// <summary>
    /// How soon a buyer first asks for its order after the 201 (opens its stream, or reads it); each later wait doubles up to
    /// <see cref="MaxPollInterval"/>, as a real client backs off: at a fixed short interval every order that settles
    /// late would add reads the system would not get from real buyers.
    /// </summary>
    public TimeSpan PollInterval { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>The longest wait between two reads of an order (never below <see cref="PollInterval"/>).</summary>
    public TimeSpan MaxPollInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Every order must settle within this time after its 201.</summary>
    public TimeSpan SettleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>After the last buyer, how long the audit waits for inventory and the dashboard to catch up.</summary>
    public TimeSpan AuditTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Sign-ups and sign-ins at once during setup: each costs identity ~0.3-0.5 s of CPU (PBKDF2).</summary>
    public int SetupParallelism { get; init; } = 4;

    /// <summary>How often live figures are published (and stock sampled).</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);
}

/// <summary>How buyers learn that their order settled.</summary>
public enum OrderFollowing
{
    /// <summary><c>GET /api/stream/orders/{id}</c>, reopened while the read side does not have the order yet.</summary>
    Stream,

    /// <summary><c>GET /api/orders/{id}</c> until it shows a settled order.</summary>
    Poll,
}
