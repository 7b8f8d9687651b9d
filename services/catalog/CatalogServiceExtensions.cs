using System.Text.Json;
using System.Text.Json.Serialization;
using FlashSale.Catalog.Application;
using FlashSale.Catalog.Infrastructure;
using FlashSale.Messaging;
using FlashSale.Sidecar;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlashSale.Catalog;

public static class CatalogServiceExtensions
{
    /// <summary>The catalog's own services: storage, use cases, events, the gRPC pricing API and optional demo data.</summary>
    public static WebApplicationBuilder AddCatalog(this WebApplicationBuilder builder)
    {
        builder.AddDaprSidecar();
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ProductStore>();
        builder.Services.AddSingleton<ProductCatalog>();
        builder.Services.AddEventPublisher();
        builder.Services.AddGrpc();
        // Catalog's API names its enums in camelCase ("active"); first in the list, so it wins over the default.
        builder.Services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.Converters.Insert(0, new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));

        if (builder.Configuration.GetValue<bool>(DemoCatalogSeeder.EnabledKey))
        {
            builder.Services.AddHostedService<DemoCatalogSeeder>();
        }

        return builder;
    }
}
