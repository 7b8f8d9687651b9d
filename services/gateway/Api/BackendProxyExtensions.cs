using System.Security.Claims;
using FlashSale.Gateway.Infrastructure;
using FlashSale.ServiceDefaults;
using Microsoft.AspNetCore.HttpOverrides;
using Yarp.ReverseProxy.Forwarder;
using Yarp.ReverseProxy.Transforms;
using Yarp.ReverseProxy.Transforms.Builder;

namespace FlashSale.Gateway.Api;

public static class BackendProxyExtensions
{
    public const string Section = "ReverseProxy";

    /// <summary>
    /// YARP with routes and backend addresses from the <c>ReverseProxy</c> section. Backends are plain Kubernetes
    /// service names so that Istio's routing, outlier detection and mTLS apply to every hop (ADR 0002).
    /// </summary>
    public static WebApplicationBuilder AddBackendProxy(this WebApplicationBuilder builder)
    {
        builder.Services.AddReverseProxy()
            .LoadFromConfig(builder.Configuration.GetSection(Section))
            .AddTransforms(transforms =>
            {
                AddForwardedHeaders(transforms);
                transforms.RequestTransforms.Add(new ForwardedUserTransform());
            });
        builder.Services.AddSingleton<IForwarderHttpClientFactory, WholeBodyForwarderHttpClientFactory>();
        // The gateway is the edge: it writes the forwarded host and prefix and believes none sent to it. Only the
        // scheme comes from the ingress, which terminates TLS and sets X-Forwarded-Proto from the client's connection.
        builder.Services.Configure<ForwardedHeadersOptions>(options => options.ForwardedHeaders = ForwardedHeaders.XForwardedProto);
        return builder;
    }

    /// <summary>
    /// The proxy's routes. A route's <c>MaxRequestBodySize</c> becomes its <see cref="RequestBodyLimit"/>, so a larger
    /// body is refused with 413 problem+json before anything is forwarded, as the backends refuse it.
    /// </summary>
    public static WebApplication MapBackendProxy(this WebApplication app)
    {
        app.MapReverseProxy().ConfigureEndpoints((endpoint, route) =>
        {
            if (route.MaxRequestBodySize is >= 0 and var bytes)
            {
                endpoint.WithRequestBodyLimit(bytes);
            }
        });
        return app;
    }

    /// <summary>
    /// The X-Forwarded-For, -Proto and -Host defaults, and as X-Forwarded-Prefix the prefix the route removes (e.g.
    /// <c>/api/catalog</c>), so that a backend's links resolve through the gateway; a route that rewrites the whole
    /// path sends none. YARP's default prefix would be the gateway's PathBase, which is always empty here.
    /// </summary>
    private static void AddForwardedHeaders(TransformBuilderContext transforms)
    {
        transforms.UseDefaultForwarders = false;
        transforms.AddXForwardedFor();
        transforms.AddXForwardedProto();
        transforms.AddXForwardedHost();
        var removedPrefix = transforms.Route.Transforms?
            .Select(transform => transform.GetValueOrDefault("PathRemovePrefix"))
            .FirstOrDefault(prefix => prefix is not null);
        if (removedPrefix is null)
        {
            transforms.AddRequestHeaderRemove(ForwardedPrefixHeader);
        }
        else
        {
            transforms.AddRequestHeader(ForwardedPrefixHeader, removedPrefix, append: false);
        }
    }

    private const string ForwardedPrefixHeader = "X-Forwarded-Prefix";
}

/// <summary>
/// Tells backends who the caller is through <see cref="GatewayHeaders"/>. Backends trust these headers, so any copy
/// arriving from outside is a forgery: it is removed on every route, anonymous ones included, and only a validated
/// token sets them again.
/// </summary>
internal sealed class ForwardedUserTransform : RequestTransform
{
    public override ValueTask ApplyAsync(RequestTransformContext context)
    {
        // Header names are case-insensitive here, so X-USER-ID and x-user-id go as well.
        RemoveHeader(context, GatewayHeaders.UserId);
        RemoveHeader(context, GatewayHeaders.UserRoles);

        var user = context.HttpContext.User;
        if (user.Identity?.IsAuthenticated == true && user.FindFirstValue(TokenClaims.Subject) is { Length: > 0 } userId)
        {
            AddHeader(context, GatewayHeaders.UserId, userId);
            AddHeader(context, GatewayHeaders.UserRoles, string.Join(',', user.FindAll(TokenClaims.Role).Select(role => role.Value)));
        }

        return ValueTask.CompletedTask;
    }
}

/// <summary>
/// YARP's outgoing connections, each sending a small body of declared length in the same write as its headers. YARP
/// streams every body and flushes the headers on their own first (<c>StreamCopyHttpContent</c>), so the backend reads
/// and wakes twice per request: for a placement that was 3 more syscalls and one more context switch than a product
/// read (docs/adr/0029). YARP refuses a transform that replaces the body, so the handler below does it.
/// </summary>
internal sealed class WholeBodyForwarderHttpClientFactory : ForwarderHttpClientFactory
{
    protected override HttpMessageHandler WrapHandler(ForwarderHttpClientContext context, HttpMessageHandler handler) =>
        new WholeBodyHandler(base.WrapHandler(context, handler));
}

/// <summary>
/// Reads a body of at most <see cref="MaxBytes"/> whole before sending it. No route takes more (the gateway has refused
/// a larger one with 413 already), so this holds no more than a backend would read anyway. A body without a
/// Content-Length (chunked) is still streamed.
/// </summary>
internal sealed class WholeBodyHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    public const long MaxBytes = 32 * RequestBodyLimit.OneKiB;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Content is { Headers.ContentLength: > 0 and <= MaxBytes } streamed)
        {
            var whole = new ByteArrayContent(await streamed.ReadAsByteArrayAsync(cancellationToken));
            // Content-Length is the array's own.
            foreach (var (name, values) in streamed.Headers.Where(header => !header.Key.Equals("Content-Length", StringComparison.OrdinalIgnoreCase)))
            {
                whole.Headers.TryAddWithoutValidation(name, values);
            }

            request.Content = whole;
        }

        return await base.SendAsync(request, cancellationToken);
    }
}
