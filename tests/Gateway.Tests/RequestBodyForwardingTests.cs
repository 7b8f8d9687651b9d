using System.Net;
using System.Net.Sockets;
using System.Text;

namespace FlashSale.Gateway.Tests;

/// <summary>How the gateway passes a request's body on: intact, and a small one in the same write as its headers.</summary>
public sealed class RequestBodyForwardingTests(GatewayFixture fixture)
{
    private const string OrderJson = """{"items":[{"sku":"SKU-1","quantity":2}]}""";

    [Fact]
    public async Task An_orders_body_reaches_the_backend_byte_for_byte_with_its_content_headers()
    {
        var token = await fixture.TokenForAsync(DemoUser.Alice);
        var request = GatewayRequests.Request(HttpMethod.Post, "/api/orders", token).WithHeader("Idempotency-Key", "body-1");
        request.Content = new StringContent(OrderJson, Encoding.UTF8, "application/json");

        var echo = await (await fixture.Gateway.SendAsync(request)).EchoAsync();

        Assert.Equal(OrderJson, echo.Body);
        Assert.Equal([Encoding.UTF8.GetByteCount(OrderJson).ToString(System.Globalization.CultureInfo.InvariantCulture)], echo.Header("Content-Length"));
        Assert.Equal(["application/json; charset=utf-8"], echo.Header("Content-Type"));
        Assert.Equal(["body-1"], echo.Header("Idempotency-Key"));
    }

    [Fact]
    public async Task A_small_body_reaches_the_backend_in_the_same_write_as_its_headers()
    {
        // A bare TCP backend: what its first read returns is what the gateway wrote before the backend woke up.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        await using var gateway = fixture.StartGateway(new Dictionary<string, string?>
        {
            ["ReverseProxy:Clusters:ordering:Destinations:default:Address"] = $"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/",
        });
        var token = await fixture.TokenForAsync(DemoUser.Alice);
        var cancellation = TestContext.Current.CancellationToken;
        TcpClient? backend = null;
        try
        {
            // Several placements over one kept-alive connection: two writes can be read as one now and then, five in a row hardly.
            for (var attempt = 1; attempt <= 5; attempt++)
            {
                var request = GatewayRequests.Request(HttpMethod.Post, "/api/orders", token).WithHeader("Idempotency-Key", $"one-write-{attempt}");
                request.Content = new StringContent(OrderJson, Encoding.UTF8, "application/json");
                var answer = gateway.SendAsync(request);
                backend ??= await listener.AcceptTcpClientAsync(cancellation);
                var stream = backend.GetStream();
                var buffer = new byte[64 * 1024];
                var firstRead = Encoding.ASCII.GetString(buffer, 0, await stream.ReadAsync(buffer, cancellation));
                await stream.WriteAsync("HTTP/1.1 201 Created\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}"u8.ToArray(), cancellation);

                Assert.StartsWith("POST /orders HTTP/1.1\r\n", firstRead);
                Assert.EndsWith("\r\n\r\n" + OrderJson, firstRead);
                Assert.Equal(HttpStatusCode.Created, (await answer).StatusCode);
            }
        }
        finally
        {
            backend?.Dispose();
        }
    }
}
