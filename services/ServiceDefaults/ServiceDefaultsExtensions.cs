using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
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
using Serilog.Sinks.OpenTelemetry;

namespace FlashSale.ServiceDefaults;

/// <summary>
/// The cross-cutting concerns every FlashSale service shares, so each Program.cs only lists what is special about it.
/// </summary>
public static class ServiceDefaultsExtensions
{
    /// <summary>
    /// Structured logs, traces and metrics, health checks, ProblemDetails, OpenAPI and HTTP resilience.
    /// <paramref name="appId"/> is the service's Dapr app id; the sidecar-injected <c>APP_ID</c> variable wins when present.
    /// </summary>
    public static WebApplicationBuilder AddServiceDefaults(this WebApplicationBuilder builder, string appId)
    {
        var serviceName = builder.Configuration["APP_ID"] ?? appId;

        builder.AddStructuredLogging(serviceName);
        builder.AddTelemetry(serviceName);

        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(options => ApiJson.Configure(options.SerializerOptions));
        builder.Services.AddOpenApi();
        builder.Services.ConfigureHttpClientDefaults(http => http.AddStandardResilienceHandler());
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy());
        builder.Services.Configure<ForwardedHeadersOptions>(options =>
        {
            // The gateway says where a request came in (host, scheme, and the prefix such as /api/orders it removed),
            // so links a backend writes (Location, the discovery document) resolve for the caller. Only the gateway
            // can call a backend (an Istio AuthorizationPolicy), the trust the gateway's user headers rely on already.
            options.ForwardedHeaders = ForwardedHeaders.XForwardedHost | ForwardedHeaders.XForwardedProto | ForwardedHeaders.XForwardedPrefix;
            options.KnownIPNetworks.Clear();
            options.KnownProxies.Clear();
        });
        return builder;
    }

    /// <summary>
    /// The gateway's forwarded host, scheme and prefix; exception handling as ProblemDetails; request body limits;
    /// <c>/healthz</c>, <c>/readyz</c> and the OpenAPI document. A web front end passes <paramref name="htmlErrorPages"/>:
    /// errors and bodiless error statuses then re-execute its <c>/error</c> and <c>/not-found</c> pages instead, so a
    /// browser never gets JSON or a stack trace.
    /// </summary>
    public static WebApplication UseServiceDefaults(this WebApplication app, bool htmlErrorPages = false)
    {
        app.UseForwardedHeaders();
        if (htmlErrorPages)
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
            app.UseStatusCodePagesWithReExecute("/not-found");
        }
        else
        {
            app.UseExceptionHandler();
            app.UseStatusCodePages();
        }

        app.UseSerilogRequestLogging(options =>
            options.GetLevel = (http, _, ex) => ex is not null || http.Response.StatusCode >= 500
                ? Serilog.Events.LogEventLevel.Error
                : IsProbe(http) ? Serilog.Events.LogEventLevel.Verbose : Serilog.Events.LogEventLevel.Information);
        app.Use(RequestBodyLimits.EnforceAsync);

        // Liveness only says the process is responsive; it must not depend on the sidecar or a restart loop follows.
        app.MapHealthChecks("/healthz", new HealthCheckOptions { Predicate = check => !check.Tags.Contains(HealthCheckTags.Readiness) });
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

    /// <summary>
    /// JSON on the console, and, with a collector configured, OTLP logs to it (docs/adr/0023): the collector carries
    /// them through Kafka's <c>logs</c> topic into OpenSearch. Both carry the trace and span id of the current
    /// Activity, and the properties of the log scope (the order id: FlashSale.Messaging.LogScopes). Sinks registered
    /// in DI (ILogEventSink) are added too.
    /// </summary>
    private static void AddStructuredLogging(this WebApplicationBuilder builder, string serviceName)
    {
        var otlpEndpoint = builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"];
        builder.Services.AddSerilog((services, logger) =>
        {
            logger
                .ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .MinimumLevel.Override("Microsoft.AspNetCore", Serilog.Events.LogEventLevel.Warning)
                .MinimumLevel.Override("System.Net.Http.HttpClient", Serilog.Events.LogEventLevel.Warning)
                .Enrich.FromLogContext()
                .Enrich.WithProperty("service", serviceName)
                // CompactJsonFormatter writes @tr/@sp (trace and span id) from the current Activity on every event.
                .WriteTo.Console(new RenderedCompactJsonFormatter());
            if (!string.IsNullOrWhiteSpace(otlpEndpoint))
            {
                logger.WriteTo.OpenTelemetry(options =>
                {
                    options.Endpoint = otlpEndpoint;
                    options.Protocol = OtlpProtocol.Grpc;
                    options.ResourceAttributes = new Dictionary<string, object> { ["service.name"] = serviceName };
                });
            }
        }, preserveStaticLogger: true);   // each host logs through its own logger, never a process-wide static one
    }

    private static void AddTelemetry(this WebApplicationBuilder builder, string serviceName)
    {
        var exporting = !string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        var otel = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName));
        if (exporting)
        {
            // Recording spans that go nowhere cost a request ~45 % of its CPU (a product read through the gateway:
            // 1,800/s with, 3,227/s without: docs/adr/0025), so without a collector nothing is recorded.
            otel.WithTracing(tracing => tracing
                .AddSource(serviceName)
                .AddSource("Grpc.Net.Client")
                .AddAspNetCoreInstrumentation(options =>
                    options.Filter = http => !IsProbe(http))
                .AddHttpClientInstrumentation());
        }

        otel.WithMetrics(metrics => metrics
                // Every FlashSale meter (FlashSale.Ordering, FlashSale.Messaging, ...: services/metrics.json).
                .AddMeter("FlashSale.*")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddMeter("System.Runtime"));

        // Export only when a collector is configured: local runs and tests stay quiet.
        if (exporting)
        {
            otel.UseOtlpExporter();
        }
    }
}

/// <summary>How every FlashSale API reads and writes JSON (on top of the web defaults); clients use it too.</summary>
public static class ApiJson
{
    /// <summary>The options a client of a FlashSale API reads its answers with.</summary>
    public static JsonSerializerOptions Options { get; } = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        // Enums travel by name. A number sent as a string ("quantity": "1") is a wrong type like "two": the web
        // defaults would read it, but a client that sends strings for numbers has a bug it should hear about.
        options.Converters.Add(new JsonStringEnumConverter());
        options.NumberHandling = JsonNumberHandling.Strict;
        return options;
    }
}

/// <summary>Tags of health checks.</summary>
public static class HealthCheckTags
{
    /// <summary>A check that only <c>/readyz</c> runs (e.g. a dependency such as the Dapr sidecar); <c>/healthz</c> skips it.</summary>
    public const string Readiness = "ready";
}
