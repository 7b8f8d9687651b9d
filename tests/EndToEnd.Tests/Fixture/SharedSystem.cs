using System.Net;
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

    /// <summary>The order as ordering (the write model) has it, asked directly as an admin would from inside the mesh.</summary>
    public async Task<PlacedOrder> WriteModelOrderAsync(string orderId)
    {
        using var client = OrderingClientAs("operator", Roles.Admin);
        using var response = await client.GetAsync($"/orders/{orderId}", TestContext.Current.CancellationToken);
        return await response.ReadAsync<PlacedOrder>(HttpStatusCode.OK);
    }

    public Task<PlacedOrder> WriteModelOrderOnceAsync(string orderId, string status) =>
        Eventually.MatchesAsync(() => WriteModelOrderAsync(orderId), order => order.Status == status, $"order {orderId} to be {status} in ordering", cancellationToken: TestContext.Current.CancellationToken);

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _http.Dispose();
    }
}
