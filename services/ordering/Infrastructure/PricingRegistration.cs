using Dapr.Client;
using Grpc.Core;
using PricingClient = FlashSale.Catalog.Api.Pricing.Pricing.PricingClient;

namespace FlashSale.Ordering.Infrastructure;

public static class PricingRegistration
{
    /// <summary>The Dapr app id of the service that prices SKUs; also the DI key of its <see cref="CallInvoker"/>.</summary>
    public const string CatalogAppId = "catalog";

    /// <summary>
    /// The pricing client over Dapr service invocation: the invoker sends each call to the local sidecar with
    /// <c>dapr-app-id: catalog</c>, and the sidecar proxies it (mTLS, retries, tracing) to catalog's sidecar.
    /// </summary>
    public static IServiceCollection AddCatalogPricing(this IServiceCollection services)
    {
        services.AddKeyedSingleton<CallInvoker>(CatalogAppId, (_, _) => DaprClient.CreateInvocationInvoker(CatalogAppId));
        services.AddSingleton(provider =>
            new PricingClient(provider.GetRequiredKeyedService<CallInvoker>(CatalogAppId)));
        services.AddSingleton<PriceCatalog>();
        return services;
    }
}
