using System.Text.Json;
using FlashSale.InProcessSystem;
using FlashSale.ServiceDefaults;

[assembly: AssemblyFixture(typeof(FlashSale.EndToEnd.Tests.Fixture.SystemFixture))]

namespace FlashSale.EndToEnd.Tests.Fixture;

/// <summary>
/// The in-process system (<see cref="FlashSaleSystem"/>) as an xunit fixture: the assembly's shared one answers as fast as
/// the process can; <see cref="ModelledTimingSystem"/> starts one on the platform's timing. Adds what scenarios read
/// with assertions: the gateway as a browser uses it and ordering's write model.
/// </summary>
public sealed class SystemFixture : FlashSaleSystem, IAsyncLifetime
{
    private HttpClient _http = null!;

    /// <summary>The gateway, as the outside world reaches it.</summary>
    public GatewayClient Client { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await StartAsync(TestContext.Current.CancellationToken);
        _http = new HttpClient { BaseAddress = GatewayAddress };
        Client = new GatewayClient(_http);
    }

    public Task SettleAsync() => SettleAsync(TestContext.Current.CancellationToken);

    public Task StartOrderingAsync() => StartOrderingAsync(TestContext.Current.CancellationToken);

    public Task<PaymentLedger> PaymentLedgerAsync(string orderId) => PaymentLedgerAsync(orderId, TestContext.Current.CancellationToken);

    public Task<IReadOnlyDictionary<string, PaymentLedger>> PaymentLedgersAsync(IEnumerable<string> orderIds) =>
        PaymentLedgersAsync(orderIds, TestContext.Current.CancellationToken);

    /// <summary>
    /// The order as ordering (the write model) has it, read straight from <c>orders-store</c>: ordering serves no reads,
    /// customers and admins read orders from order-query.
    /// </summary>
    public PlacedOrder WriteModelOrder(string orderId)
    {
        var store = Sidecar.Dapr.Store("orders-store");
        var key = store.Keys.SingleOrDefault(key => key.EndsWith($"order-{orderId}", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"ordering has no order {orderId}");
        return JsonSerializer.Deserialize<PlacedOrder>(store.Get(key)!.Value, ApiJson.Options)!;
    }

    public Task<PlacedOrder> WriteModelOrderOnceAsync(string orderId, string status) =>
        Eventually.MatchesAsync(() => WriteModelOrder(orderId), order => order.Status == status, $"order {orderId} to be {status} in ordering", cancellationToken: TestContext.Current.CancellationToken);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _http.Dispose();
    }
}
