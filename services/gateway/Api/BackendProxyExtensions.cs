using System.Security.Claims;
using FlashSale.Gateway.Infrastructure;
using FlashSale.ServiceDefaults;
using Yarp.ReverseProxy.Transforms;

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
            .AddTransforms(transforms => transforms.RequestTransforms.Add(new ForwardedUserTransform()));
        return builder;
    }
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
