using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlashSale.ServiceDefaults;
using FlashSale.Sidecar;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace FlashSale.Shared.Tests;

/// <summary>A request that meets an unavailable state store gets a 503 problem the client can retry, never a 500.</summary>
public sealed class StoreUnavailableTests
{
    [Fact]
    public async Task An_unavailable_store_answers_503_problem_json_with_retry_after()
    {
        var builder = WebApplication.CreateBuilder();
        builder.WebHost.UseTestServer();
        builder.Environment.EnvironmentName = "Testing";
        builder.AddServiceDefaults("probe");
        builder.AddDaprSidecar();
        await using var app = builder.Build();
        app.UseServiceDefaults();
        app.MapGet("/items", () => { throw new StateStoreUnavailableException("items-store", new IOException("connection refused")); });
        await app.StartAsync(TestContext.Current.CancellationToken);

        using var response = await app.GetTestClient().GetAsync("/items", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("1", response.Headers.RetryAfter?.ToString());
        var problem = await response.Content.ReadFromJsonAsync<JsonObject>(TestContext.Current.CancellationToken);
        Assert.Equal("Temporarily unavailable", problem!["title"]!.GetValue<string>());
        Assert.DoesNotContain("connection refused", problem.ToJsonString(), StringComparison.Ordinal);
    }
}
