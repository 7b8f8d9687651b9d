using Dapr.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Serilog;
using Serilog.Formatting.Compact;

namespace FlashSale.ServiceDefaults;

/// <summary>
/// The cross-cutting concerns every FlashSale service shares, so each Program.cs only lists what is special about it.
/// </summary>
public static class ServiceDefaultsExtensions
{
    private const string ReadyTag = "ready";

    /// <summary>
    /// Structured logs, traces and metrics, health checks, ProblemDetails, OpenAPI, HTTP resilience and the Dapr client.
    /// <paramref name="appId"/> is the service's Dapr app id; the sidecar-injected <c>APP_ID</c> variable wins when present.
    /// </summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string appId)
    {
        var serviceName = builder.Configuration["APP_ID"] ?? appId;
        builder.Services.AddSingleton(new ServiceIdentity(serviceName));

        builder.AddStructuredLogging(serviceName);
        builder.AddTelemetry(serviceName);

        builder.Services.AddProblemDetails();
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());

        builder.Services.AddDaprClient();
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy())
            .AddCheck<DaprSidecarHealthCheck>("dapr-sidecar", tags: [ReadyTag]);
        return builder;
    }

    /// <summary>Exception handling as ProblemDetails, <c>/healthz</c>, <c>/readyz</c> and the OpenAPI document.</summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseSerilogRequestLogging(options =>
            options.GetLevel = (http, _, ex) => ex is not null || http.Response.StatusCode >= 500
                ? Serilog.Events.LogEventLevel.Error
                : IsProbe(http) ? Serilog.Events.LogEventLevel.Verbose : Serilog.Events.LogEventLevel.Information);

        // Liveness only says the process is responsive; it must not depend on the sidecar or a restart loop follows.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = check => !check.Tags.Contains(ReadyTag) });
        app.MapHealthChecks("/readyz");
        // The API description helps everywhere but in production, where it would be served anonymously through the
        // gateway's catalog route.
        if (!app.Environment.IsProduction())
        {
            app.MapOpenApi();
        }

        return app;
    }

    private static bool IsProbe(HttpContext http) =>
        http.Request.Path.StartsWithSegments("/healthz") || http.Request.Path.StartsWithSegments("/readyz");

    private static void AddStructuredLogging(this WebApplicationBuilder builder, string serviceName) =>
        builder.Services.AddSerilog((services, logger) => logger
            .ReadFrom.Configuration(builder.Configuration)
            .MinimumLevel.Override("Microsoft.AspNetCore", Serilog.Events.LogEventLevel.Warning)
            .MinimumLevel.Override("System.Net.Http.HttpClient", Serilog.Events.LogEventLevel.Warning)
            .Enrich.FromLogContext()
            .Enrich.WithProperty("service", serviceName)
            // CompactJsonFormatter writes @tr/@sp (trace and span id) from the current Activity on every event.
            .WriteTo.Console(new RenderedCompactJsonFormatter()));

    private static void AddTelemetry(this WebApplicationBuilder builder, string serviceName)
    {
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithTracing(tracing => tracing
                .AddSource(serviceName)
                .AddSource("Grpc.Net.Client")
                .AddAspNetCoreInstrumentation(options =>
                    options.Filter = http => !IsProbe(http))
                .AddHttpClientInstrumentation())
            .WithMetrics(metrics => metrics
                .AddMeter(serviceName)
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddMeter("System.Runtime"));

        // Export only when a collector is configured: local runs and tests stay quiet.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            otel.UseOtlpExporter();
        }
    }
}

/// <summary>The service's Dapr app id, also its OpenTelemetry <c>service.name</c>.</summary>
public sealed record ServiceIdentity(string AppId);

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
