using System.Text.Json;
using System.Text.Json.Serialization;
using FlashSale.Catalog.Seeding;
using FlashSale.Catalog.Storage;
using FlashSale.ServiceDefaults.Messaging;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlashSale.Catalog;

public static class CatalogServiceExtensions
{
    /// <summary>The catalog's own services: storage, use cases, events, the gRPC pricing API and optional demo data.</summary>
    public static WebApplicationBuilder AddCatalog(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<ProductStore>();
        builder.Services.AddSingleton<ProductCatalog>();
        builder.Services.AddEventPublisher();
        builder.Services.AddGrpc();
        builder.Services.ConfigureHttpJsonOptions(options =>
            options.SerializerOptions.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.CamelCase)));

        if (builder.Configuration.GetValue<bool>(DemoCatalogSeeder.EnabledKey))
        {
            builder.Services.AddHostedService<DemoCatalogSeeder>();
        }

        return builder;
    }
}
