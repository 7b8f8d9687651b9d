using System.Net;

namespace FlashSale.LoadGen.Infrastructure;

/// <summary>The one HTTP connection pool a run shares: enough connections for every buyer in flight, nothing a browser would add.</summary>
public static class GatewayHttp
{
    public const int DefaultConnections = 512;

    public static SocketsHttpHandler CreateHandler(int maxConnections = DefaultConnections) => new()
    {
        MaxConnectionsPerServer = maxConnections,
        // Reconnect now and then, so that new gateway pods (after a kill or a scale-up) get a share of the load.
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
        ConnectTimeout = TimeSpan.FromSeconds(5),
        AutomaticDecompression = DecompressionMethods.None,
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        EnableMultipleHttp2Connections = true,
    };

    /// <summary>
    /// The connections of buyers following their orders' live streams: one each, as each buyer's browser holds one, and
    /// apart from <see cref="CreateHandler"/>'s so that open streams never keep a placement waiting for a connection.
    /// </summary>
    public static SocketsHttpHandler CreateStreamHandler() => new()
    {
        ConnectTimeout = TimeSpan.FromSeconds(5),
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(5),
        AutomaticDecompression = DecompressionMethods.None,
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
    };
}
