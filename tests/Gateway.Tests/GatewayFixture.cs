using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;

[assembly: AssemblyFixture(typeof(FlashSale.Gateway.Tests.GatewayFixture))]

namespace FlashSale.Gateway.Tests;

/// <summary>
/// One stub backend, one identity service and one gateway (with limits too generous to interfere) shared by the
/// tests; tests that need other settings start their own gateway against the same backend and identity.
/// </summary>
public sealed class GatewayFixture : IAsyncLifetime
{
    private readonly ConcurrentDictionary<DemoUser, Lazy<Task<string>>> _tokens = new();

    public string SigningKeyPem { get; } = CreateSigningKeyPem();

    public StubBackend Backend { get; private set; } = null!;

    public IdentityIssuer Identity { get; private set; } = null!;

    public GatewayFactory Gateway { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        Backend = await StubBackend.StartAsync(GatewayFactory.Backends);
        Identity = new IdentityIssuer(SigningKeyPem);
        Gateway = new GatewayFactory(Backend, Identity);
        // Start both hosts here, once: WebApplicationFactory's lazy start is not thread-safe, and parallel tests
        // touching it first at the same moment could each build a host.
        Identity.StartServer();
        Gateway.StartServer();
    }

    /// <summary>A token identity issued to the user, signing in once per user.</summary>
    public Task<string> TokenForAsync(DemoUser user) =>
        _tokens.GetOrAdd(user, _ => new Lazy<Task<string>>(() => Identity.IssueTokenAsync(user))).Value;

    /// <summary>A gateway with other settings (e.g. tight rate limits) in front of the shared backend and identity.</summary>
    public GatewayFactory StartGateway(IDictionary<string, string?> settings) => new(Backend, Identity, settings);

    public async ValueTask DisposeAsync()
    {
        await Gateway.DisposeAsync();
        await Identity.DisposeAsync();
        await Backend.DisposeAsync();
    }

    private static string CreateSigningKeyPem()
    {
        using var rsa = RSA.Create(2048);
        return rsa.ExportPkcs8PrivateKeyPem();
    }
}

public static class GatewayRequests
{
    public static HttpRequestMessage Request(HttpMethod method, string path, string? token = null)
    {
        var request = new HttpRequestMessage(method, path);
        if (method == HttpMethod.Post || method == HttpMethod.Put)
        {
            request.Content = JsonContent.Create(new { });
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    public static HttpRequestMessage WithHeader(this HttpRequestMessage request, string name, string value)
    {
        request.Headers.Add(name, value);
        return request;
    }

    public static Task<HttpResponseMessage> SendAsync(this GatewayFactory gateway, HttpRequestMessage request) =>
        gateway.CreateClient().SendAsync(request, TestContext.Current.CancellationToken);

    public static async Task<BackendEcho> EchoAsync(this HttpResponseMessage response)
    {
        Assert.True(response.IsSuccessStatusCode, $"expected the backend's answer, got {(int)response.StatusCode}");
        return (await response.Content.ReadFromJsonAsync<BackendEcho>(TestContext.Current.CancellationToken))!;
    }

    public static void AssertProblem(this HttpResponseMessage response, System.Net.HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }
}
