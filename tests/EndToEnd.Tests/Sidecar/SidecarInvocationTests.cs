using System.Net;
using System.Net.Http.Json;
using FlashSale.EndToEnd.Tests.Sidecar.Echo;
using FlashSale.TestSupport.Sidecar;
using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.EndToEnd.Tests.Sidecar;

/// <summary>Service invocation by app id through the stand-in, gRPC and HTTP, and the seam for more sidecar API areas.</summary>
public sealed class SidecarInvocationTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_gRPC_call_through_the_invocation_invoker_reaches_the_target_app()
    {
        await using var sidecar = SidecarTestKit.ForRepository();
        await using var catalog = await StartEchoAppAsync();
        await sidecar.AddAppAsync("catalog", catalog.CreateHandler(), cancellationToken: Token);

        var client = new Echo.Echo.EchoClient(sidecar.CreateInvocationInvoker("catalog", callerAppId: "ordering"));
        var reply = await client.SayAsync(new EchoRequest { Text = "price?" }, cancellationToken: Token);

        Assert.Equal(("price?", "ordering"), (reply.Text, reply.Caller));
    }

    [Fact]
    public async Task A_gRPC_call_to_a_stopped_app_fails_with_Unavailable()
    {
        await using var sidecar = SidecarTestKit.ForRepository();
        await using var catalog = await StartEchoAppAsync();
        await sidecar.AddAppAsync("catalog", catalog.CreateHandler(), cancellationToken: Token);
        sidecar.StopApp("catalog");

        var client = new Echo.Echo.EchoClient(sidecar.CreateInvocationInvoker("catalog", callerAppId: "ordering"));
        var failure = await Assert.ThrowsAsync<RpcException>(() => client.SayAsync(new EchoRequest { Text = "price?" }, cancellationToken: Token).ResponseAsync);

        Assert.Equal(StatusCode.Unavailable, failure.StatusCode);
    }

    [Fact]
    public async Task An_HTTP_call_by_app_id_reaches_the_target_app_with_Daprs_caller_headers()
    {
        await using var sidecar = SidecarTestKit.ForRepository();
        await using var catalog = await StartEchoAppAsync();
        await sidecar.AddAppAsync("catalog", catalog.CreateHandler(), cancellationToken: Token);

        using var client = sidecar.CreateInvocationClient("catalog", callerAppId: "ordering");
        var answer = await client.GetFromJsonAsync<Dictionary<string, string>>("/products/sku-1?currency=EUR", Token);

        Assert.Equal("/products/sku-1", answer!["path"]);
        Assert.Equal("?currency=EUR", answer["query"]);
        Assert.Equal("ordering", answer["caller"]);
        Assert.Equal("catalog", answer["callee"]);
    }

    [Fact]
    public async Task An_HTTP_call_to_an_unknown_app_gets_daprds_invocation_error()
    {
        await using var sidecar = SidecarTestKit.ForRepository();

        using var client = sidecar.CreateInvocationClient("nowhere", callerAppId: "ordering");
        using var response = await client.GetAsync("/anything", Token);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        Assert.Contains("ERR_DIRECT_INVOKE", await response.Content.ReadAsStringAsync(Token), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Another_part_of_the_stand_in_can_serve_an_area_of_the_sidecar_API()
    {
        await using var sidecar = SidecarTestKit.ForRepository();
        sidecar.MapApi("/v1.0/actors/", (caller, request, _) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(new { caller, path = request.RequestUri!.AbsolutePath }) }));

        using var client = new HttpClient(sidecar.CreateHttpHandler("ordering")) { BaseAddress = DaprSidecarStandIn.SidecarAddress };
        var answer = await client.GetFromJsonAsync<Dictionary<string, string>>("/v1.0/actors/StockActor/SKU-1/method/Reserve", Token);
        using var health = await client.GetAsync("/v1.0/healthz/outbound", Token);

        Assert.Equal("ordering", answer!["caller"]);
        Assert.Equal("/v1.0/actors/StockActor/SKU-1/method/Reserve", answer["path"]);
        Assert.Equal(HttpStatusCode.NoContent, health.StatusCode);
    }

    private static Task<FakeApp> StartEchoAppAsync() =>
        FakeApp.StartAsync(
            web =>
            {
                web.MapGrpcService<EchoService>();
                web.MapGet("/products/{sku}", (HttpRequest request) => Results.Json(new Dictionary<string, string>
                {
                    ["path"] = request.Path,
                    ["query"] = request.QueryString.Value ?? string.Empty,
                    ["caller"] = request.Headers["dapr-caller-app-id"].ToString(),
                    ["callee"] = request.Headers["dapr-callee-app-id"].ToString(),
                }));
            },
            services => services.AddGrpc());

    private sealed class EchoService : Echo.Echo.EchoBase
    {
        public override Task<EchoReply> Say(EchoRequest request, ServerCallContext context) =>
            Task.FromResult(new EchoReply { Text = request.Text, Caller = context.RequestHeaders.GetValue("dapr-caller-app-id") ?? string.Empty });
    }
}
