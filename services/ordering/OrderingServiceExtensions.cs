using System.Diagnostics.Metrics;
using FlashSale.Messaging;
using FlashSale.Ordering.Api;
using FlashSale.Ordering.Application;
using FlashSale.Ordering.Infrastructure;
using FlashSale.Ordering.Infrastructure.Outbox;
using FlashSale.Sidecar;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlashSale.Ordering;

public static class OrderingServiceExtensions
{
    /// <summary>Placement, cancellation and the saga, over the order store, catalog pricing and the stock actors.</summary>
    public static WebApplicationBuilder AddOrdering(this WebApplicationBuilder builder)
    {
        builder.AddDaprSidecar();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddCatalogPricing();
        builder.Services.AddStockActors();
        builder.Services.AddOptions<OutboxOptions>().BindConfiguration(OutboxOptions.Section)
            .Validate(options => options.Concurrency > 0 && options.ReservationBlock > 0, "Ordering:Outbox needs a positive Concurrency and ReservationBlock")
            .Validate(options => options.WriterLease > options.HeartbeatInterval * 2, "Ordering:Outbox:WriterLease must exceed two heartbeats")
            .ValidateOnStart();
        builder.Services.AddEventPublisher();
        builder.Services.AddSingleton(services =>
        {
            var metrics = new OrderingMetrics(services.GetRequiredService<IMeterFactory>());
            metrics.ObserveOutboxBacklog(() => services.GetRequiredService<OrderOutbox>().Pending);
            return metrics;
        });
        builder.Services.AddSingleton<OrderOutbox>();
        builder.Services.AddHostedService(services => services.GetRequiredService<OrderOutbox>());
        builder.Services.AddSingleton<OrderStore>();
        builder.Services.AddSingleton<IdempotencyStore>();
        builder.Services.AddSingleton<OrderPlacement>();
        builder.Services.AddSingleton<OrderCancellation>();
        builder.Services.AddOrderingSubscriptions();
        return builder;
    }
}
