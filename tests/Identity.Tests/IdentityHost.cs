using System.Net.Http.Json;
using System.Text.Json;
using FlashSale.Identity;
using FlashSale.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace FlashSale.Identity.Tests;

/// <summary>The demo users shipped for Development and Testing, with the passwords the README documents.</summary>
public static class DemoUsers
{
    public static readonly (string UserName, string Password, string Role) Alice = ("alice", "alice-demo-password", "customer");
    public static readonly (string UserName, string Password, string Role) Bob = ("bob", "bob-demo-password", "customer");
    public static readonly (string UserName, string Password, string Role) Admin = ("admin", "admin-demo-password", "admin");
}

/// <summary>The identity service hosted in memory in the Testing environment, so the demo users are present.</summary>
public sealed class IdentityFactory() : ServiceFactory<IdentityAssemblyMarker>("identity");

public static class IdentityHost
{
    /// <summary>The identity service with extra configuration, e.g. a signing key or another environment.</summary>
    public static WebApplicationFactory<IdentityAssemblyMarker> WithSettings(
        this WebApplicationFactory<IdentityAssemblyMarker> factory, IDictionary<string, string?> settings, string? environment = null) =>
        factory.WithWebHostBuilder(host =>
        {
            if (environment is not null)
            {
                host.UseEnvironment(environment);
            }

            host.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(settings));
        });

    /// <summary>
    /// Why the service, configured with <paramref name="settings"/>, refused to start. On a busy machine
    /// WebApplicationFactory sometimes reports a host that failed to start as an ObjectDisposedException of its service
    /// provider instead of the start-up failure (dotnet/aspnetcore#33494): the host did refuse to start, so ask again
    /// for the reason.
    /// </summary>
    public static Exception StartUpFailure(
        this WebApplicationFactory<IdentityAssemblyMarker> factory, IDictionary<string, string?> settings, string? environment = null)
    {
        Exception failure;
        var attempt = 0;
        do
        {
            using var configured = factory.WithSettings(settings, environment);
            failure = Assert.ThrowsAny<Exception>(() => configured.CreateClient());
        }
        while (failure is ObjectDisposedException && ++attempt < 3);

        return failure;
    }

    public static Task<HttpResponseMessage> PostFormAsync(this HttpClient client, params (string Key, string Value)[] fields) =>
        client.PostAsync("/connect/token",
            new FormUrlEncodedContent(fields.Select(field => KeyValuePair.Create(field.Key, field.Value))),
            TestContext.Current.CancellationToken);

    public static Task<HttpResponseMessage> PostJsonAsync(this HttpClient client, object body) =>
        client.PostAsJsonAsync("/connect/token", body, TestContext.Current.CancellationToken);

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken);
}
