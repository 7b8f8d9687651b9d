using FlashSale.LoadGen.Application;
using FlashSale.LoadGen.Domain;
using FlashSale.LoadGen.Infrastructure;
using FlashSale.LoadGen.Api;

namespace FlashSale.LoadGen.Tests;

public sealed class CommandLineTests
{
    private static readonly Func<string, string?> NoEnvironment = _ => null;

    [Fact]
    public void The_defaults_sell_a_new_sale_at_50_buyers_a_second_for_30_seconds_to_100_signed_up_customers()
    {
        var invocation = Parse("--gateway", "http://localhost:8080");

        Assert.Equal(new Uri("http://localhost:8080"), invocation.Options.Gateway);
        Assert.Null(invocation.Options.Sku);
        Assert.Null(invocation.Options.Units);
        Assert.Equal(RateProfile.Constant(50, TimeSpan.FromSeconds(30)), invocation.Options.Rate);
        var customers = Assert.IsType<CustomerSource.SignedUp>(invocation.Options.Customers).Customers;
        Assert.Equal(("loadgen", 100), (customers.Prefix, customers.Count));
        Assert.True(invocation.Options.Browse);
        Assert.Equal(OrderFollowing.Stream, invocation.Options.Follow);
        Assert.Null(invocation.Chaos);
        Assert.Null(invocation.ReportPath);
    }

    [Fact]
    public void Options_take_their_values_after_a_space_or_an_equals_sign_and_durations_their_units()
    {
        var invocation = Parse("--gateway=http://gw:8080", "--rate", "200", "--ramp", "1m30s", "--duration", "2m", "--units=1000",
            "--settle-timeout", "500ms", "--no-browse", "--poll", "--report", "/tmp/report.json", "--chaos-kill-every", "30s", "--max-attempts", "3");

        Assert.Equal(new RateProfile(0, 200, TimeSpan.FromSeconds(90), TimeSpan.FromMinutes(2)), invocation.Options.Rate);
        Assert.Equal(1000, invocation.Options.Units);
        Assert.Equal(TimeSpan.FromMilliseconds(500), invocation.Options.SettleTimeout);
        Assert.False(invocation.Options.Browse);
        Assert.Equal(OrderFollowing.Poll, invocation.Options.Follow);
        Assert.Equal(3, invocation.Options.Retry.MaxAttempts);
        Assert.Equal("/tmp/report.json", invocation.ReportPath);
        Assert.Equal(new ChaosSettings(TimeSpan.FromSeconds(30), "flashsale", ChaosSettings.DefaultSelector), invocation.Chaos);
    }

    [Fact]
    public void The_closed_loop_mode_takes_a_number_of_buyers_instead_of_a_rate()
    {
        var options = Parse("--gateway", "http://gw", "--closed-loop", "32", "--duration", "15s").Options;

        Assert.Equal((32, TimeSpan.FromSeconds(15)), (options.ClosedLoopBuyers, options.Rate.Duration));
        Assert.Null(Parse("--gateway", "http://gw").Options.ClosedLoopBuyers);
    }

    [Fact]
    public void The_environment_fills_in_what_the_command_line_leaves_out()
    {
        var environment = new Dictionary<string, string>
        {
            ["LOADGEN_GATEWAY"] = "http://from-env:8080",
            ["LOADGEN_RATE"] = "20",
            ["LOADGEN_CUSTOMER_SECRET"] = "from-env",
            ["LOADGEN_ADMIN_PASSWORD"] = "admin-secret",
            ["LOADGEN_NO_BROWSE"] = "true",
        };

        var parsed = CommandLine.Parse(["--rate", "30"], name => environment.GetValueOrDefault(name));

        var options = Assert.IsType<ParsedCommand.Run>(parsed).Invocation.Options;
        Assert.Equal((new Uri("http://from-env:8080"), 30.0), (options.Gateway, options.Rate.PeakPerSecond));
        Assert.Equal("from-env", Assert.IsType<CustomerSource.SignedUp>(options.Customers).Customers.Secret);
        Assert.Equal(new Credentials("admin", "admin-secret"), options.Admin);
        Assert.False(options.Browse);
    }

    [Fact]
    public void A_customers_file_names_existing_customers()
    {
        var file = Path.GetTempFileName();
        File.WriteAllLines(file, ["# two demo customers", "alice:alice-demo-password", "bob:bob-demo-password"]);
        try
        {
            var customers = Assert.IsType<CustomerSource.Existing>(Parse("--gateway", "http://gw", "--customers", file).Options.Customers);

            Assert.Equal(["alice", "bob"], customers.Accounts.Select(account => account.UserName));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Theory]
    [InlineData("--gateway is required (or LOADGEN_GATEWAY)", "--rate", "10")]
    [InlineData("--gateway: 'localhost:8080' is not an http:// or https:// URL", "--gateway", "localhost:8080")]
    [InlineData("--rate: 'fast' is not a number above 0", "--gateway", "http://gw", "--rate", "fast")]
    [InlineData("--rate: '0' is not a number above 0", "--gateway", "http://gw", "--rate", "0")]
    [InlineData("--duration: '10 minutes' is not a duration above zero such as 500ms, 30s, 2m or 1h", "--gateway", "http://gw", "--duration", "10 minutes")]
    [InlineData("the ramp must be between zero and the duration", "--gateway", "http://gw", "--ramp", "2m", "--duration", "1m")]
    [InlineData("--units: '-5' is not a whole number of 0 or more", "--gateway", "http://gw", "--units=-5")]
    [InlineData("unknown option --rps", "--gateway", "http://gw", "--rps", "10")]
    [InlineData("--closed-loop replaces --rate, --ramp and --ramp-from", "--gateway", "http://gw", "--closed-loop", "32", "--rate", "10")]
    [InlineData("--report needs a value (FILE)", "--gateway", "http://gw", "--report")]
    [InlineData("unexpected argument 'http://gw': options start with --", "http://gw")]
    [InlineData("--customers FILE names the customers; it does not go with --customer-count or --customer-prefix", "--gateway", "http://gw", "--customers", "x.txt", "--customer-count", "5")]
    public void Bad_arguments_are_named(string problem, params string[] args)
    {
        Assert.Equal(problem, Assert.IsType<ParsedCommand.Invalid>(CommandLine.Parse(args, NoEnvironment)).Problem);
    }

    [Fact]
    public void A_customers_file_that_cannot_be_read_is_named()
    {
        var invalid = Assert.IsType<ParsedCommand.Invalid>(CommandLine.Parse(["--gateway", "http://gw", "--customers", "/no/such/customers.txt"], NoEnvironment));

        Assert.StartsWith("--customers: cannot read /no/such/customers.txt (", invalid.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bad_arguments_exit_with_code_2_the_problem_and_the_usage()
    {
        var (exitCode, output, errors) = await Command.RunAsync("--gateway", "http://gw", "--rate", "fast");

        Assert.Equal(ExitCodes.BadArguments, exitCode);
        Assert.Empty(output);
        Assert.StartsWith("loadgen: --rate: 'fast' is not a number above 0" + Environment.NewLine, errors, StringComparison.Ordinal);
        Assert.Contains("Usage: loadgen --gateway URL [options]", errors, StringComparison.Ordinal);
        Assert.Contains("2 bad arguments", errors, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_prints_the_usage_and_succeeds()
    {
        var (exitCode, output, errors) = await Command.RunAsync("--help");

        Assert.Equal(ExitCodes.Ok, exitCode);
        Assert.Contains("--chaos-kill-every TIME", output, StringComparison.Ordinal);
        Assert.Empty(errors);
    }

    private static Invocation Parse(params string[] args) =>
        Assert.IsType<ParsedCommand.Run>(CommandLine.Parse(args, NoEnvironment)).Invocation;
}
