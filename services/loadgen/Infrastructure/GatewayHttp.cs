using System.Net;

namespace FlashSale.LoadGen.Infrastructure;

/// <summary>The HTTP connection pools a run shares: nothing a browser would add, and enough connections for every buyer in flight.</summary>
public static class GatewayHttp
{
    public const int DefaultConnections = 512;

    /// <summary>The pool of every call but the order streams.</summary>
    public static SocketsHttpHandler CreateHandler(int maxConnections = DefaultConnections)
    {
        var handler = Plain();
        handler.MaxConnectionsPerServer = maxConnections;
        // Reconnect now and then, so that new gateway pods (after a kill or a scale-up) get a share of the load.
        handler.PooledConnectionLifetime = TimeSpan.FromMinutes(1);
        handler.PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30);
        handler.EnableMultipleHttp2Connections = true;
        return handler;
    }

    /// <summary>
    /// The connections of buyers following their orders' live streams: one each, as each buyer's browser holds one, and
    /// apart from <see cref="CreateHandler"/>'s so that open streams never keep a placement waiting for a connection.
    /// </summary>
    public static SocketsHttpHandler CreateStreamHandler()
    {
        var handler = Plain();
        handler.PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5);
        return handler;
    }

    private static SocketsHttpHandler Plain() => new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(5),
        AutomaticDecompression = DecompressionMethods.None,
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
    };
}
