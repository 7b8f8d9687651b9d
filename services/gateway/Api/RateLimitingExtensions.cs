using System.ComponentModel.DataAnnotations;
using System.Globalization;
using System.Security.Claims;
using System.Threading.RateLimiting;
using FlashSale.Gateway.Infrastructure;
using FlashSale.ServiceDefaults;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Yarp.ReverseProxy.Model;

namespace FlashSale.Gateway.Api;

/// <summary>The <c>RateLimiting</c> configuration section.</summary>
public sealed class GatewayRateLimitOptions
{
    public const string Section = "RateLimiting";

    /// <summary>Requests one user (or, when anonymous, one client IP) may make per <see cref="PerUserWindow"/>.</summary>
    [Range(1, int.MaxValue)]
    public int PermitsPerUser { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan PerUserWindow { get; set; }

    /// <summary>
    /// Order placements in flight at once across all users of THIS replica: the flash-sale spike stops here, not in
    /// ordering. The limit is per gateway pod (in memory), so the cluster-wide figure is this times the replica count.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int OrderPlacementConcurrency { get; set; }

    /// <summary>Placements that may wait for a slot; beyond that they are rejected at once.</summary>
    [Range(0, int.MaxValue)]
    public int OrderPlacementQueue { get; set; }

    /// <summary>
    /// Sign-ups one anonymous client (IP) may make per <see cref="SignUpWindow"/>. Each costs identity a slow password
    /// hash, and sign-ups are how bots mass-create accounts for a sale; an admin (e.g. loadgen preparing its
    /// customers) is not limited by it.
    /// </summary>
    [Range(1, int.MaxValue)]
    public int SignUpsPerClient { get; set; }

    [Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan SignUpWindow { get; set; }

    /// <summary>The Retry-After answer when the limiter has no better estimate (the concurrency limit has none).</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan RetryAfter { get; set; }
}

public static class RateLimitingExtensions
{
    /// <summary>The policy the order-placement route names in its <c>RateLimiterPolicy</c>.</summary>
    public const string OrderPlacementPolicy = "order-placement";

    /// <summary>The policy the sign-up route names in its <c>RateLimiterPolicy</c>.</summary>
    public const string SignUpPolicy = "sign-up";

    /// <summary>
    /// A fixed-window limit per user on all proxied traffic, a global concurrency limit on order placement, and a
    /// fixed-window limit per anonymous client on sign-ups.
    /// Rejections are 429 problem+json with Retry-After. Needs <c>UseAuthentication</c> first to partition by user.
    /// </summary>
    public static WebApplicationBuilder AddGatewayRateLimiting(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<GatewayRateLimitOptions>()
            .BindConfiguration(GatewayRateLimitOptions.Section)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        // The limiters are configured below rather than in AddRateLimiter because they need the validated options.
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.TryAddSingleton<GatewayMetrics>();
        builder.Services.AddOptions<RateLimiterOptions>()
            .Configure<IOptions<GatewayRateLimitOptions>>((options, limits) =>
            {
                var settings = limits.Value;
                options.GlobalLimiter = new OncePerRequestLimiter(PartitionedRateLimiter.Create<HttpContext, string>(http => IsProxied(http)
                    ? RateLimitPartition.GetFixedWindowLimiter(PartitionKey(http), _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = settings.PermitsPerUser,
                        Window = settings.PerUserWindow,
                        QueueLimit = 0,
                    })
                    : RateLimitPartition.GetNoLimiter("gateway")));
                options.AddConcurrencyLimiter(OrderPlacementPolicy, concurrency =>
                {
                    concurrency.PermitLimit = settings.OrderPlacementConcurrency;
                    concurrency.QueueLimit = settings.OrderPlacementQueue;
                    concurrency.QueueProcessingOrder = QueueProcessingOrder.OldestFirst;
                });
                options.AddPolicy(SignUpPolicy, http => http.User.IsInRole(Roles.Admin)
                    ? RateLimitPartition.GetNoLimiter("admin")
                    : RateLimitPartition.GetFixedWindowLimiter($"ip:{http.Connection.RemoteIpAddress}", _ => new FixedWindowRateLimiterOptions
                    {
                        PermitLimit = settings.SignUpsPerClient,
                        Window = settings.SignUpWindow,
                        QueueLimit = 0,
                    }));
                options.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
                options.OnRejected = (rejection, _) => WriteRejectionAsync(rejection, settings.RetryAfter);
            });
        return builder;
    }

    // Only traffic forwarded to backends is limited; health probes and the OpenAPI document are not.
    private static bool IsProxied(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<RouteModel>() is not null;

    private static string PartitionKey(HttpContext http) =>
        http.User.FindFirstValue(TokenClaims.Subject) is { Length: > 0 } userId
            ? $"user:{userId}"
            : $"ip:{http.Connection.RemoteIpAddress}";

    private static async ValueTask WriteRejectionAsync(OnRejectedContext rejection, TimeSpan fallbackRetryAfter)
    {
        var retryAfter = rejection.Lease.TryGetMetadata(MetadataName.RetryAfter, out var estimate) ? estimate : fallbackRetryAfter;
        var seconds = (int)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds));
        var http = rejection.HttpContext;
        http.RequestServices.GetRequiredService<GatewayMetrics>().RateLimited(
            http.GetEndpoint()?.Metadata.GetMetadata<RouteModel>()?.Config.RouteId ?? http.Request.Path.Value ?? "?");
        http.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await http.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"Slow down and retry in {seconds} s.",
            },
        });
    }
}
