using FlashSale.Contracts.Inventory;
using FlashSale.Inventory.Application;
using FlashSale.Inventory.Infrastructure;
using FlashSale.Inventory.Infrastructure.Actors;
using FlashSale.Messaging;
using FlashSale.Sidecar;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlashSale.Inventory;

public static class InventoryServiceExtensions
{
    /// <summary>The stock actor, its options, the event publisher and the feed of stock figures.</summary>
    public static WebApplicationBuilder AddInventory(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<InventoryOptions>()
            .BindConfiguration(InventoryOptions.Section)
            .Validate(options => options.ReservationTimeout > TimeSpan.Zero, "Inventory:ReservationTimeout must be positive")
            .Validate(options => options.SettledReservationRetention > TimeSpan.Zero, "Inventory:SettledReservationRetention must be positive")
            .Validate(options => options.RejectionMemory > TimeSpan.Zero, "Inventory:RejectionMemory must be positive")
            .Validate(options => options.SweepInterval > TimeSpan.Zero, "Inventory:SweepInterval must be positive")
            .Validate(options => options.StockChangeInterval >= TimeSpan.Zero, "Inventory:StockChangeInterval must not be negative")
            .ValidateOnStart();
        builder.AddDaprSidecar();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddEventPublisher();
        builder.Services.AddSingleton<StockChangeFeed>();
        builder.Services.AddSingleton<InventoryMetrics>();

        // The SDK reads the sidecar's address from DAPR_HTTP_ENDPOINT / DAPR_HTTP_PORT in configuration.
        builder.Services.AddActors(options =>
        {
            options.Actors.RegisterActor<StockActor>(StockActorType.Name);
            // JSON remoting: the contract's records have no parameterless constructor, which DataContract needs.
            options.UseJsonSerialization = true;
        });
        return builder;
    }
}
