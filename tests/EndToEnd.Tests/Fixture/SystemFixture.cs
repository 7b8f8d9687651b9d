using System.Net;
using System.Text;
using System.Text.Json;
using FlashSale.Catalog;
using FlashSale.Contracts;
using FlashSale.Gateway;
using FlashSale.Identity;
using FlashSale.Inventory;
using FlashSale.Ordering;
using FlashSale.Ordering.Infrastructure;
using FlashSale.OrderQuery;
using FlashSale.Payment;
using FlashSale.ServiceDefaults;
using FlashSale.TestSupport.Actors;
using FlashSale.TestSupport.Sidecar;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

[assembly: AssemblyFixture(typeof(FlashSale.EndToEnd.Tests.Fixture.SystemFixture))]

namespace FlashSale.EndToEnd.Tests.Fixture;

/// <summary>
/// The whole FlashSale system in this test process, started once for all scenarios: the seven services on Kestrel on
/// 127.0.0.1, each with its real Program, payment as two replicas (the production profile's) sharing its store and its
/// consumer group; one Dapr stand-in for state, pub/sub and service invocation over the
/// repository's components (scopes enforced); the actor stand-in hosting inventory's StockActor on a clock the tests
/// advance. The gateway reaches the backends and identity's discovery document over loopback HTTP, ordering prices
/// through catalog's gRPC API by Dapr service invocation, and the stand-in delivers events to every app's real
/// subscription endpoints. Tests talk to the gateway through <see cref="Client"/>, as a browser would; the other
/// members are what an operator could look at (stores, topics, the payment provider's ledger through payment's admin
/// route) and the fault switches.
/// <para>
/// The assembly's shared system answers as fast as the process can (<see cref="PlatformTiming.None"/>). A scale scenario
/// or a benchmark starts its own with the platform's timing: <c>new SystemFixture { Timing = PlatformTiming.Dapr117 }</c>,
/// then <see cref="InitializeAsync"/>; the model's ceilings are on <see cref="Timing"/>.
/// </para>
/// </summary>
public sealed class SystemFixture : IAsyncLifetime
{
    /// <summary>inventory's reservation timeout (its appsettings.json): the actor clock must pass it for a reminder to fire.</summary>
    public static readonly TimeSpan ReservationTimeout = TimeSpan.FromMinutes(10);

    /// <summary>How often a SKU with reservations sweeps them (inventory's default): expiries happen at the next sweep.</summary>
    public static readonly TimeSpan SweepInterval = TimeSpan.FromSeconds(10);

    /// <summary>What the simulated provider takes per call unless a scenario says otherwise.</summary>
    public static readonly TimeSpan DefaultProviderLatency = TimeSpan.FromMilliseconds(10);

    private readonly LiveSettings _paymentSettings = new();
    private int _declinedCards;
    private HttpClient _http = null!;
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
    public GatewayClient Client { get; private set; } = null!;

    internal Customers Customers { get; } = new();

    /// <summary>The replicas of payment, by the address each listens on (what <see cref="DeliveryRecord.Replica"/> names).</summary>
    public IReadOnlyList<Uri> PaymentReplicas => [_payment.Address, _paymentReplica.Address];

    public async ValueTask InitializeAsync()
    {
        // Kafka redelivers until the resiliency policy gives up: 10 inbound retries in the charts, so 11 attempts.
        Sidecar = DaprSidecarStandIn.ForRepositoryComponents(new SidecarOptions { MaxDeliveryAttempts = 11, Timing = Timing });
        Actors = await ActorSidecar.StartAsync(ActorClock, Timing, TestContext.Current.CancellationToken);
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
            ["RateLimiting:PermitsPerUser"] = "100000",
        });

        // catalog's sidecar invokes it on its gRPC port (app-protocol grpc), so daprd speaks h2c to it.
        await Sidecar.AddAppAsync("catalog", new H2cHandler(), catalogGrpc, TestContext.Current.CancellationToken);
        await Sidecar.AddAppAsync("inventory", _inventory.Address, TestContext.Current.CancellationToken);
        await Sidecar.AddAppAsync("payment", _payment.Address, TestContext.Current.CancellationToken);
        await Sidecar.AddReplicaAsync("payment", _paymentReplica.Address, TestContext.Current.CancellationToken);
        await Sidecar.AddAppAsync("order-query", _orderQuery.Address, TestContext.Current.CancellationToken);
        await Sidecar.AddAppAsync("ordering", _ordering.Address, TestContext.Current.CancellationToken);
        await Actors.HostAppAsync("inventory", _inventory.Address, TestContext.Current.CancellationToken);

        _http = new HttpClient { BaseAddress = _gateway.Address };
        Client = new GatewayClient(_http);
    }

    /// <summary>
    /// Another gateway in front of the same backends and identity, with other settings (e.g. a scenario's rate limits).
    /// The caller disposes it.
    /// </summary>
    internal ServiceHost<GatewayAssemblyMarker> StartGateway(IReadOnlyDictionary<string, string?> settings)
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
    public async Task StartOrderingAsync()
    {
        _ordering = StartOrdering(_ordering.Address);
        await Sidecar.RestartAppAsync("ordering", new SocketsHttpHandler(), _ordering.Address, TestContext.Current.CancellationToken);
    }

    /// <summary>Waits until every message was settled (see <see cref="DaprSidecarStandIn.WaitForQuiescenceAsync"/>).</summary>
    public Task SettleAsync() => Sidecar.WaitForQuiescenceAsync(Eventually.Deadline, TestContext.Current.CancellationToken);

    // ---- what an operator can look at

    /// <summary>The order as ordering (the write model) has it, asked directly as an admin would from inside the mesh.</summary>
    public async Task<PlacedOrder> WriteModelOrderAsync(string orderId)
    {
        using var client = _ordering.CreateClientAs("operator", Roles.Admin);
        using var response = await client.GetAsync($"/orders/{orderId}", TestContext.Current.CancellationToken);
        return await response.ReadAsync<PlacedOrder>(HttpStatusCode.OK);
    }

    public Task<PlacedOrder> WriteModelOrderOnceAsync(string orderId, string status) =>
        Eventually.MatchesAsync(() => WriteModelOrderAsync(orderId), order => order.Status == status, $"order {orderId} to be {status} in ordering", cancellationToken: TestContext.Current.CancellationToken);

    /// <summary>The orders ordering stored for <paramref name="customer"/>, read straight from <c>orders-store</c>.</summary>
    public IReadOnlyList<JsonElement> StoredOrdersOf(string customer) => StoredDocumentsOf("orders-store", customer);

    /// <summary>
    /// The payments recorded for <paramref name="customer"/>, read straight from <c>payments-store</c> (payment's own
    /// records; the provider's ledger shares the store under keys of its own).
    /// </summary>
    public IReadOnlyList<JsonElement> StoredPaymentsOf(string customer) => StoredDocumentsOf("payments-store", customer, keyPrefix: "payment-");

    /// <summary>
    /// The provider's ledger for an order (what it charged and refunded under the order's key), as an admin reads it
    /// through the gateway (<c>GET /api/payments/{orderId}</c>); empty when payment recorded nothing for the order.
    /// </summary>
    public async Task<PaymentLedger> PaymentLedgerAsync(string orderId) => (await PaymentLedgersAsync([orderId]))[orderId];

    /// <summary>The provider's ledgers of several orders, read by one signed-in admin.</summary>
    public async Task<IReadOnlyDictionary<string, PaymentLedger>> PaymentLedgersAsync(IEnumerable<string> orderIds)
    {
        var admin = await Client.SignInAsAdminAsync();
        var ledgers = new Dictionary<string, PaymentLedger>();
        foreach (var orderId in orderIds.Distinct())
        {
            var payment = await admin.FindPaymentAsync(orderId);
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

    public async ValueTask DisposeAsync()
    {
        // Deliveries stop first, so no host is asked anything while it shuts down.
        await Sidecar.DisposeAsync();
        _http.Dispose();
        foreach (var host in new IAsyncDisposable[] { _gateway, _ordering, _orderQuery, _payment, _paymentReplica, _inventory, _catalog, _identity })
        {
            await host.DisposeAsync();
        }

        await Actors.DisposeAsync();
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

    private IReadOnlyList<JsonElement> StoredDocumentsOf(string storeName, string customer, string keyPrefix = "")
    {
        var store = Sidecar.Dapr.Store(storeName);
        return store.Keys
            .Where(key => key.StartsWith(keyPrefix, StringComparison.Ordinal))
            .Select(key => store.Get(key))
            .Where(item => item is not null)
            .Select(item => JsonSerializer.Deserialize<JsonElement>(item!.Value))
            .Where(document => document.ValueKind == JsonValueKind.Object
                && document.TryGetProperty("customerId", out var owner) && owner.GetString() == customer)
            .ToList();
    }
}

/// <summary>daprd's app channel to an app with <c>app-protocol: grpc</c>: HTTP/2 without TLS (h2c) for every call.</summary>
internal sealed class H2cHandler() : DelegatingHandler(new SocketsHttpHandler())
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Version = HttpVersion.Version20;
        request.VersionPolicy = HttpVersionPolicy.RequestVersionExact;
        return base.SendAsync(request, cancellationToken);
    }
}
