using Dapr.Actors;
using Dapr.Actors.Client;
using FlashSale.Contracts;
using FlashSale.Contracts.Inventory;
using FlashSale.TestSupport;
using FlashSale.TestSupport.Actors;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace FlashSale.Inventory.Tests.Api;

/// <summary>
/// The inventory service over real HTTP, its actors behind the stand-in Dapr sidecar, and one clock the test
/// advances for both (reminder due times in the sidecar, event times in the app).
/// </summary>
public sealed class InventoryHost : IAsyncLifetime
{
    public const string AppId = "inventory";

    private IActorProxyFactory? _proxies;

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2030, 6, 1, 9, 0, 0, TimeSpan.Zero));

    public ActorSidecar Sidecar { get; private set; } = null!;

    public InventoryFactory App { get; private set; } = null!;

    public static TimeSpan ReservationTimeout { get; } = TimeSpan.FromMinutes(10);

    public async ValueTask InitializeAsync()
    {
        Sidecar = await ActorSidecar.StartAsync(Clock, TestContext.Current.CancellationToken);
        // A caller (ordering, here the test) uses JSON remoting like the inventory service does.
        _proxies = Sidecar.CreateProxyFactory(options => options.UseJsonSerialization = true);
        App = await StartAppAsync();
    }

    /// <summary>Stops the app and starts a new instance: actor state and reminders stay in the sidecar.</summary>
    public async Task RestartAppAsync()
    {
        Sidecar.StopApp(AppId);
        await App.DisposeAsync();
        App = await StartAppAsync();
    }

    public static string NewSku() => $"SKU-{Guid.NewGuid():N}"[..16].ToUpperInvariant();

    public IStockActor Stock(string sku) => _proxies!.CreateActorProxy<IStockActor>(new ActorId(sku), StockActorType.Name);

    public IReadOnlyList<T> Events<T>(string sku) where T : IIntegrationEvent =>
        App.Dapr.PublishedEvents<T>(Topics.Inventory).Where(e => e.PartitionKey == sku).ToList();

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        await Sidecar.DisposeAsync();
    }

    private async Task<InventoryFactory> StartAppAsync()
    {
        var app = new InventoryFactory(Sidecar, Clock);
        await Sidecar.HostAppAsync(AppId, app.Server.CreateHandler(), TestContext.Current.CancellationToken);
        return app;
    }
}

public sealed class InventoryFactory(ActorSidecar sidecar, TimeProvider clock) : ServiceFactory<InventoryAssemblyMarker>(InventoryHost.AppId)
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        sidecar.UseFor(builder);
        builder.UseSetting("Inventory:ReservationTimeout", InventoryHost.ReservationTimeout.ToString());
    }

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton(clock);
}
