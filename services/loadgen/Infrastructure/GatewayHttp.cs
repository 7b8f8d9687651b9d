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
}
