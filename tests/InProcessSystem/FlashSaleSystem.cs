using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FlashSale.Catalog;
using FlashSale.Contracts;
using FlashSale.Contracts.Inventory;
using FlashSale.Gateway;
using FlashSale.Identity;
using FlashSale.Inventory;
using FlashSale.Inventory.Infrastructure.Actors;
using FlashSale.Ordering;
using FlashSale.Ordering.Infrastructure;
using FlashSale.OrderQuery;
using FlashSale.Payment;
using FlashSale.ServiceDefaults;
using FlashSale.TestSupport;
using FlashSale.TestSupport.Actors;
using FlashSale.TestSupport.Sidecar;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FlashSale.InProcessSystem;

/// <summary>
/// The whole FlashSale system in this test process, started once for all scenarios: the seven services on Kestrel on
/// 127.0.0.1, each with its real Program, payment as two replicas (the production profile's) sharing its store and its
/// consumer group; one Dapr stand-in for state, pub/sub and service invocation over the
/// repository's components (scopes enforced); the actor stand-in hosting inventory's StockActor on a clock the tests
/// advance. The gateway reaches the backends and identity's discovery document over loopback HTTP, ordering prices
/// through catalog's gRPC API by Dapr service invocation, and the stand-in delivers events to every app's real
/// subscription endpoints. Clients talk to the gateway at <see cref="GatewayAddress"/>, as a browser would; the other
/// members are what an operator could look at (stores, topics, the payment provider's ledger through payment's admin
/// route) and the fault switches.
/// <para>
/// Used by the end-to-end tests (their xunit fixtures wrap it) and by the benchmark. It answers as fast as the process
/// can (<see cref="PlatformTiming.None"/>) unless started with the platform's timing:
/// <c>new FlashSaleSystem { Timing = PlatformTiming.Dapr117 }</c>, then <see cref="StartAsync"/>; the model's ceilings
/// are on <see cref="Timing"/>.
/// </para>
/// </summary>
public class FlashSaleSystem : IAsyncDisposable
{
    /// <summary>inventory's reservation timeout (its appsettings.json): the actor clock must pass it for a reminder to fire.</summary>
    public static readonly TimeSpan ReservationTimeout = TimeSpan.FromMinutes(10);

    /// <summary>How often a SKU with reservations sweeps them (inventory's default): expiries happen at the next sweep.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(10);

    /// <summary>What the simulated provider takes per call unless a scenario says otherwise.</summary>
    public static readonly TimeSpan DefaultProviderLatency = TimeSpan.FromMilliseconds(10);

    private readonly LiveSettings _paymentSettings = new();
    private int _declinedCards;
    private ServiceHost<IdentityAssemblyMarker> _identity = null!;
    private ServiceHost<CatalogAssemblyMarker> _catalog = null!;
    private ServiceHost<InventoryAssemblyMarker> _inventory = null!;
    private ServiceHost<OrderingAssemblyMarker> _ordering = null!;
    private ServiceHost<PaymentAssemblyMarker> _payment = null!;
    private ServiceHost<PaymentAssemblyMarker> _paymentReplica = null!;
    private ServiceHost<OrderQueryAssemblyMarker> _orderQuery = null!;
    private ServiceHost<GatewayAssemblyMarker> _gateway = null!;

    /// <summary>The platform's timing both stand-ins follow (Dapr's and the actors'); set it before <see cref="InitializeAsync"/>.</summary>
    public PlatformTiming Timing { get; init; } = PlatformTiming.None;

    public DaprSidecarStandIn Sidecar { get; private set; } = null!;

    public ActorSidecar Actors { get; private set; } = null!;

    /// <summary>The clock the actor stand-in fires reminders by.</summary>
    public FakeTimeProvider ActorClock { get; } = new(DateTimeOffset.UtcNow);

    /// <summary>The gateway, as the outside world reaches it.</summary>
    public Uri GatewayAddress => _gateway.Address;

    /// <summary>inventory's own HTTP endpoint, as its sidecar reaches it.</summary>
    public Uri InventoryAddress => _inventory.Address;

    public Customers Customers { get; } = new();

    /// <summary>The replicas of payment, by the address each listens on (what <see cref="DeliveryRecord.Replica"/> names).</summary>
    public IReadOnlyList<Uri> PaymentReplicas => [_payment.Address, _paymentReplica.Address];

    public async ValueTask StartAsync(CancellationToken cancellationToken)
    {
        // Kafka redelivers until the resiliency policy gives up: 10 inbound retries in the charts, so 11 attempts.
        Sidecar = DaprSidecarStandIn.ForRepositoryComponents(new SidecarOptions { MaxDeliveryAttempts = 11, Timing = Timing });
        Actors = await ActorSidecar.StartAsync(ActorClock, Timing, cancellationToken);
        _paymentSettings.Set("Payment:Provider:Latency", DefaultProviderLatency.ToString());

        var dapr = Sidecar.Dapr;
        var catalogGrpc = Loopback.NewAddress();
        _identity = ServiceHost<IdentityAssemblyMarker>.Start("identity", dapr, new HostSetup { Settings = Customers.IdentitySettings() });
        _catalog = ServiceHost<CatalogAssemblyMarker>.Start("catalog", dapr, new HostSetup
        {
            Settings = new Dictionary<string, string?> { ["Kestrel:Endpoints:Grpc:Url"] = catalogGrpc.GetLeftPart(UriPartial.Authority) },
        });
        // inventory's actors keep the actor stand-in's time, so a scenario's advance of it ages reservations as well.
        _inventory = ServiceHost<InventoryAssemblyMarker>.Start("inventory", dapr, new HostSetup
        {
            ConfigureHost = Actors.UseFor,
            ConfigureServices = services => services.AddSingleton<TimeProvider>(ActorClock),
        });
        // Both replicas follow one set of live settings, as two pods follow one ConfigMap.
        _payment = ServiceHost<PaymentAssemblyMarker>.Start("payment", dapr, new HostSetup { LiveSettings = _paymentSettings });
        _paymentReplica = ServiceHost<PaymentAssemblyMarker>.Start("payment", dapr, new HostSetup { LiveSettings = _paymentSettings });
        _orderQuery = ServiceHost<OrderQueryAssemblyMarker>.Start("order-query", dapr, new HostSetup());
        _ordering = StartOrdering(address: null);
        _gateway = StartGateway(new Dictionary<string, string?>
        {
            // Every client of a test run comes from 127.0.0.1, so the per-user limit (per IP for sign-ins) is lifted
            // here; the flash sale starts a gateway with realistic limits of its own.
            ["RateLimiting:PermitsPerUser"] = "100000000",
        });

        // catalog's sidecar invokes it on its gRPC port (app-protocol grpc), so daprd speaks h2c to it.
        await Sidecar.AddAppAsync("catalog", new H2cHandler(), catalogGrpc, cancellationToken);
        await Sidecar.AddAppAsync("inventory", _inventory.Address, cancellationToken);
        await Sidecar.AddAppAsync("payment", _payment.Address, cancellationToken);
        await Sidecar.AddReplicaAsync("payment", _paymentReplica.Address, cancellationToken);
        await Sidecar.AddAppAsync("order-query", _orderQuery.Address, cancellationToken);
        await Sidecar.AddAppAsync("ordering", _ordering.Address, cancellationToken);
        await Actors.HostAppAsync("inventory", _inventory.Address, cancellationToken);
        // inventory publishes a SKU's newest figures outside the actor's turn, up to StockChangeInterval later: the
        // read side's stock is final only once that feed has nothing left to send.
        var stockFeed = _inventory.Services.GetRequiredService<StockChangeFeed>();
        Sidecar.AddIdleCheck("inventory's stock feed", () => stockFeed.IsIdle);
    }

    /// <summary>
    /// Another gateway in front of the same backends and identity, with other settings (e.g. a scenario's rate limits).
    /// The caller disposes it.
    /// </summary>
    public ServiceHost<GatewayAssemblyMarker> StartGateway(IReadOnlyDictionary<string, string?> settings)
    {
        var routing = new Dictionary<string, string?>
        {
            ["Authentication:MetadataAddress"] = new Uri(_identity.Address, "/.well-known/openid-configuration").ToString(),
            ["ReverseProxy:Clusters:identity:Destinations:default:Address"] = _identity.Address.ToString(),
            ["ReverseProxy:Clusters:catalog:Destinations:default:Address"] = _catalog.Address.ToString(),
            ["ReverseProxy:Clusters:ordering:Destinations:default:Address"] = _ordering.Address.ToString(),
            ["ReverseProxy:Clusters:order-query:Destinations:default:Address"] = _orderQuery.Address.ToString(),
            ["ReverseProxy:Clusters:inventory:Destinations:default:Address"] = _inventory.Address.ToString(),
            // payment's Service balances over its two pods.
            ["ReverseProxy:Clusters:payment:Destinations:default:Address"] = _payment.Address.ToString(),
            ["ReverseProxy:Clusters:payment:Destinations:replica:Address"] = _paymentReplica.Address.ToString(),
        };
        foreach (var (key, value) in settings)
        {
            routing[key] = value;
        }

        return ServiceHost<GatewayAssemblyMarker>.Start("gateway", Sidecar.Dapr, new HostSetup { Settings = routing });
    }

    // ---- per-scenario configuration

    /// <summary>The provider declines every card of <paramref name="customer"/> from now on ("card declined").</summary>
    public void DeclineCardsOf(string customer) =>
        _paymentSettings.Set($"Payment:Provider:DeclinedCustomers:{Interlocked.Increment(ref _declinedCards)}", customer);

    /// <summary>How long each call to the payment provider takes from now on.</summary>
    public void SetProviderLatency(TimeSpan latency) => _paymentSettings.Set("Payment:Provider:Latency", latency.ToString());

    // ---- stopping and restarting services

    /// <summary>ordering's process goes away. Its state is in the stores; events for it wait in their partitions.</summary>
    public async Task StopOrderingAsync()
    {
        Sidecar.StopApp("ordering");
        await _ordering.DisposeAsync();
    }

    /// <summary>A new ordering process starts where the old one listened; the sidecar resubscribes it.</summary>
    public async Task StartOrderingAsync(CancellationToken cancellationToken = default)
    {
        _ordering = StartOrdering(_ordering.Address);
        await Sidecar.RestartAppAsync("ordering", new SocketsHttpHandler(), _ordering.Address, cancellationToken);
    }

    /// <summary>Waits until every message was settled (see <see cref="DaprSidecarStandIn.WaitForQuiescenceAsync"/>).</summary>
    public Task SettleAsync(CancellationToken cancellationToken = default) => SettleAsync(Eventually.Deadline, cancellationToken);

    public Task SettleAsync(TimeSpan deadline, CancellationToken cancellationToken) => Sidecar.WaitForQuiescenceAsync(deadline, cancellationToken);

    // ---- what an operator can look at

    /// <summary>The orders ordering stored for <paramref name="customer"/>, read straight from <c>orders-store</c>.</summary>
    public IReadOnlyList<JsonElement> StoredOrdersOf(string customer) => StoredDocumentsOf("orders-store", customer);

    /// <summary>Every order ordering stored with a line of <paramref name="sku"/>, read straight from <c>orders-store</c>.</summary>
    public IReadOnlyList<JsonElement> StoredOrdersOfSku(string sku) => StoredDocuments("orders-store", document =>
        document.TryGetProperty("lines", out var lines) && lines.ValueKind == JsonValueKind.Array
        && lines.EnumerateArray().Any(line => line.TryGetProperty("sku", out var lineSku) && lineSku.GetString() == sku));

    /// <summary>
    /// Reserves through inventory's reservation path exactly as ordering calls it during a placement: ordering's own
    /// per-SKU batching queue, its actor proxy, the actor sidecar's turns (and their modelled timing).
    /// </summary>
    public Task<ReserveOutcome> ReserveAsOrderingDoesAsync(string sku, ReserveItem item, CancellationToken cancellationToken) =>
        _ordering.Services.GetRequiredService<StockCalls>().ReserveAsync(sku, item, cancellationToken);

    /// <summary>
    /// The payments recorded for <paramref name="customer"/>, read straight from <c>payments-store</c> (payment's own
    /// records; the provider's ledger shares the store under keys of its own).
    /// </summary>
    public IReadOnlyList<JsonElement> StoredPaymentsOf(string customer) => StoredDocumentsOf("payments-store", customer, keyPrefix: "payment-");

    /// <summary>
    /// The order's payment with the provider's ledger for it (what it charged and refunded under the order's key), as
    /// payment's admin view shows it: what an admin gets through the gateway's <c>GET /api/payments/{orderId}</c>.
    /// An empty ledger when payment recorded nothing for the order.
    /// </summary>
    public async Task<PaymentLedger> PaymentLedgerAsync(string orderId, CancellationToken cancellationToken) =>
        (await PaymentLedgersAsync([orderId], cancellationToken))[orderId];

    public async Task<IReadOnlyDictionary<string, PaymentLedger>> PaymentLedgersAsync(IEnumerable<string> orderIds, CancellationToken cancellationToken)
    {
        using var client = _payment.CreateClientAs("operator", Roles.Admin);
        var ledgers = new Dictionary<string, PaymentLedger>();
        foreach (var orderId in orderIds.Distinct())
        {
            using var response = await client.GetAsync($"/payments/{Uri.EscapeDataString(orderId)}", cancellationToken);
            var payment = response.StatusCode == HttpStatusCode.NotFound
                ? null
                : await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<PaymentView>(JsonSerializerOptions.Web, cancellationToken);
            ledgers[orderId] = new PaymentLedger(payment?.Charges ?? [], payment?.Refunds ?? []);
        }

        return ledgers;
    }

    /// <summary>Messages some app gave up on (dead-lettered or dropped) whose content mentions <paramref name="text"/>, e.g. a SKU or an order id.</summary>
    public IReadOnlyList<DeadLetter> DeadLettersAbout(string text) =>
        Sidecar.PubSub.DeadLetters.Where(letter => Encoding.UTF8.GetString(letter.Body).Contains(text, StringComparison.Ordinal)).ToList();

    /// <summary>
    /// The events of one type on a topic, oldest first, as a subscriber reads them: a message of the type whose payload
    /// is not the contract (a scenario publishes such poison) is skipped, as subscribers drop it.
    /// </summary>
    public IReadOnlyList<T> Events<T>(string topic) where T : IIntegrationEvent
    {
        var type = CloudEventTypes.Of<T>().Type;
        return Sidecar.PubSub.Messages(topic).Where(message => message.EventType == type).SelectMany(ReadAs<T>).ToList();
    }

    public virtual async ValueTask DisposeAsync()
    {
        // Deliveries stop first, so no host is asked anything while it shuts down. A start that failed half-way
        // leaves some of these unset; whatever did start is stopped.
        if (Sidecar is not null)
        {
            await Sidecar.DisposeAsync();
        }

        foreach (var host in new IAsyncDisposable?[] { _gateway, _ordering, _orderQuery, _payment, _paymentReplica, _inventory, _catalog, _identity })
        {
            if (host is not null)
            {
                await host.DisposeAsync();
            }
        }

        if (Actors is not null)
        {
            await Actors.DisposeAsync();
        }
    }

    private ServiceHost<OrderingAssemblyMarker> StartOrdering(Uri? address) => ServiceHost<OrderingAssemblyMarker>.Start("ordering", Sidecar.Dapr, new HostSetup
    {
        ConfigureHost = Actors.UseFor,
        // What DaprClient.CreateInvocationInvoker("catalog") gives ordering in its pod: gRPC through its sidecar.
        ConfigureServices = services => services.AddKeyedSingleton<CallInvoker>(
            PricingRegistration.CatalogAppId, Sidecar.CreateInvocationInvoker(PricingRegistration.CatalogAppId, callerAppId: "ordering")),
    }, address);

    private static IEnumerable<T> ReadAs<T>(BrokerMessage message)
    {
        T data;
        try
        {
            data = message.Data<T>();
        }
        catch (JsonException)
        {
            yield break;
        }

        yield return data;
    }

    private IReadOnlyList<JsonElement> StoredDocumentsOf(string storeName, string customer, string keyPrefix = "") => StoredDocuments(storeName, document =>
        document.TryGetProperty("customerId", out var owner) && owner.GetString() == customer, keyPrefix);

    private IReadOnlyList<JsonElement> StoredDocuments(string storeName, Func<JsonElement, bool> matches, string keyPrefix = "")
    {
        var store = Sidecar.Dapr.Store(storeName);
        return store.Keys
            .Where(key => key.StartsWith(keyPrefix, StringComparison.Ordinal))
            .Select(key => store.Get(key))
            .Where(item => item is not null)
            .Select(item => JsonSerializer.Deserialize<JsonElement>(item!.Value))
            .Where(document => document.ValueKind == JsonValueKind.Object && matches(document))
            .ToList();
    }
}

/// <summary>daprd's app channel to an app with <c>app-protocol: grpc</c>: HTTP/2 without TLS (h2c) for every call.</summary>
public sealed class H2cHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Version = HttpVersion.Version20;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        return base.SendAsync(request, cancellationToken);
    }
}
