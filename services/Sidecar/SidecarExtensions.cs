using Dapr.Client;
using FlashSale.ServiceDefaults;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace FlashSale.Sidecar;

public static class SidecarExtensions
{
    /// <summary>
    /// The Dapr client, serializing state with <see cref="StateJson.Options"/>, the sidecar's readiness check, and 503
    /// answers for an unavailable state store (<see cref="StateStoreUnavailableException"/>). Only
    /// services that use a Dapr building block call this; the gateway and a stateless service stay free of Dapr.
    /// </summary>
    public static WebApplicationBuilder AddDaprSidecar(this WebApplicationBuilder builder)
    {
        builder.Services.AddDaprClient(client => client.UseJsonSerializationOptions(StateJson.Options));
        builder.Services.AddHealthChecks()
            .AddCheck<DaprSidecarHealthCheck>("dapr-sidecar", tags: [HealthCheckTags.Readiness]);
        builder.Services.AddExceptionHandler<StoreUnavailableHandler>();
        return builder;
    }
}

/// <summary>
/// Readiness includes the sidecar when one is attached (Dapr injects <c>DAPR_HTTP_PORT</c>): a pod whose sidecar
/// cannot reach its components must not receive traffic. The outbound endpoint does not wait for the app, so no cycle.
/// </summary>
internal sealed class DaprSidecarHealthCheck(DaprClient dapr, IConfiguration configuration) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrEmpty(configuration["DAPR_HTTP_PORT"]))
        {
            return HealthCheckResult.Healthy("no Dapr sidecar attached");
        }

        return await dapr.CheckOutboundHealthAsync(cancellationToken)
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("Dapr sidecar is not ready");
    }
}
