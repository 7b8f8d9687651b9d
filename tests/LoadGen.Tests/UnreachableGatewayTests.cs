using System.Net;
using System.Net.Sockets;
using FlashSale.LoadGen.Api;

namespace FlashSale.LoadGen.Tests;

public sealed class UnreachableGatewayTests
{
    [Fact]
    public async Task A_gateway_that_does_not_answer_is_one_clear_line_and_exit_code_3_not_a_stack_trace()
    {
        var closed = ClosedPort();

        var (exitCode, _, errors) = await Command.RunAsync("--gateway", $"http://127.0.0.1:{closed}", "--duration", "1s", "--plain");

        Assert.Equal(ExitCodes.CouldNotStart, exitCode);
        Assert.Equal($"loadgen: cannot reach the gateway at http://127.0.0.1:{closed}/: Connection refused (127.0.0.1:{closed})", errors.TrimEnd());
    }

    [Fact]
    public async Task A_gateway_name_that_does_not_resolve_is_one_clear_line_too()
    {
        var (exitCode, _, errors) = await Command.RunAsync("--gateway", "http://gateway.invalid:8080", "--duration", "1s", "--plain");

        Assert.Equal(ExitCodes.CouldNotStart, exitCode);
        Assert.StartsWith("loadgen: cannot reach the gateway at http://gateway.invalid:8080/: ", errors, StringComparison.Ordinal);
        Assert.Single(errors.TrimEnd().Split('\n'));
    }

    private static int ClosedPort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
