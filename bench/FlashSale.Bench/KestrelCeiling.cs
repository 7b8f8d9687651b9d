using System.Globalization;
using FlashSale.LoadGen.Application;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FlashSale.Bench;

/// <summary>
/// (a) The machine's ceiling in the same run: a raw Kestrel hello-world on loopback, driven by the same closed loop
/// as the other workloads. Every other throughput is also given as a ratio to it.
/// </summary>
public static class KestrelCeiling
{
    public static async Task<WorkloadResult> RunAsync(BenchmarkPlan plan, ProgressView view, CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        await using var app = builder.Build();
        app.MapGet("/", () => Results.Text("Hello World!"));
        await app.StartAsync(cancellationToken);

        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = plan.Connections, UseProxy = false, UseCookies = false };
        using var http = new HttpClient(handler) { BaseAddress = new Uri(app.Urls.First()) };
        Func<CancellationToken, Task<string>> hello = async token =>
        {
            try
            {
                using var response = await http.GetAsync("/", HttpCompletionOption.ResponseContentRead, token);
                return ((int)response.StatusCode).ToString(CultureInfo.InvariantCulture);
            }
            catch (HttpRequestException)
            {
                return "no answer";
            }
        };

        await ClosedLoop.RunAsync(plan.Connections, plan.WarmUp, hello, cancellationToken: cancellationToken);
        var cpu = CpuStopwatch.StartNew();
        var result = await view.StepAsync("kestrel hello-world", plan.Run,
            meter => ClosedLoop.RunAsync(plan.Connections, plan.Run, meter.Counting(hello), cancellationToken: cancellationToken),
            run => string.Create(CultureInfo.InvariantCulture, $"{run.PerSecond:N0}/s, p50 {run.Latency.P50Ms:0.00} ms, p99 {run.Latency.P99Ms:0.00} ms"));
        var cpuPerAnswer = cpu.MicrosecondsPer(result.Requests);
        await app.StopAsync(cancellationToken);

        return new WorkloadResult
        {
            Workload = "kestrel",
            Timing = "none",
            OfferedPerSecond = null,
            AchievedPerSecond = result.PerSecond,
            P50Ms = result.Latency.P50Ms,
            P99Ms = result.Latency.P99Ms,
            SettleP99Ms = null,
            RatioToKestrel = 1,
            CpuMicrosecondsPerAnswer = cpuPerAnswer,
            Oversold = null,
            Unsettled = null,
            DoubleCharged = null,
            Connections = result.Connections,
            Requests = result.Requests,
            Seconds = result.Seconds,
            Answers = result.Answers,
        };
    }
}
