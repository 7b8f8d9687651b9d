using System.Globalization;
using System.Text;
using FlashSale.LoadGen.Application;
using FlashSale.LoadGen.Domain;
using FlashSale.LoadGen.Infrastructure;

namespace FlashSale.LoadGen.Api;

/// <summary>What the command line asked for: a run, the usage, or nothing valid (with the reason).</summary>
public abstract record ParsedCommand
{
    private ParsedCommand()
    {
    }

    public sealed record Run(Invocation Invocation) : ParsedCommand;

    public sealed record Help : ParsedCommand;

    public sealed record Invalid(string Problem) : ParsedCommand;
}

/// <summary>A run and what the tool does around it: connections, the report file, chaos, the kind of progress display.</summary>
public sealed record Invocation(LoadOptions Options, int Connections, string? ReportPath, ChaosSettings? Chaos, bool PlainProgress);

/// <summary>
/// The command line: <c>--name value</c> or <c>--name=value</c>. Every option can also be given in the environment
/// as <c>LOADGEN_NAME</c> (<c>--customer-secret</c> → <c>LOADGEN_CUSTOMER_SECRET</c>; flags take <c>true</c>), which
/// is how a Kubernetes Job passes secrets; the command line wins.
/// </summary>
public static class CommandLine
{
    private sealed record Option(string Name, string? Value, string Help)
    {
        public bool IsFlag => Value is null;

        public string EnvironmentName => "LOADGEN_" + Name.Replace('-', '_').ToUpperInvariant();
    }

    private static readonly Option[] Options =
    [
        new("gateway", "URL", "the gateway's base address, e.g. http://localhost:8080 (required)"),
        new("sku", "SKU", "sell this existing SKU instead of creating a product with a flash sale"),
        new("units", "N", $"units put on sale (default {SaleSetup.DefaultUnits} for a new sale; an existing SKU's stock is untouched unless given)"),
        new("rate", "N", "new buyers per second, open loop (default 50)"),
        new("duration", "TIME", "how long buyers arrive (default 30s)"),
        new("ramp", "TIME", "rise linearly to --rate over this time first (default 0: constant rate)"),
        new("ramp-from", "N", "the rate the ramp starts at (default 0)"),
        new("closed-loop", "N", "instead of a rate: N buyers each buying again as soon as answered (maximum throughput)"),
        new("quantity", "N", "units per order (default 1)"),
        new("customer-count", "N", "customers loadgen signs up, or reuses on a rerun (default 100)"),
        new("customer-prefix", "NAME", "their names: NAME-00001, NAME-00002... (default loadgen)"),
        new("customer-secret", "TEXT", "their passwords are derived from it; keep it to reuse them (default flashsale-loadgen)"),
        new("customers", "FILE", "shop as these existing customers instead: one name:password a line"),
        new("admin-user", "NAME", "the admin who prepares the sale (default admin)"),
        new("admin-password", "TEXT", "the admin's password (default admin-demo-password, the laptop profile's)"),
        new("no-browse", null, "buyers do not read the product page before buying"),
        new("max-attempts", "N", "placement attempts per buyer, retries of 429/503/no answer included (default 5)"),
        new("poll", null, "buyers read GET /api/orders/{id} until it settles instead of following the order's live stream"),
        new("poll-interval", "TIME", "first wait before a buyer opens its order's stream (or reads it), doubling up to 1s while it is not there yet (default 500ms)"),
        new("settle-timeout", "TIME", "every order must be Confirmed or Cancelled within this time after its 201 (default 2m)"),
        new("audit-timeout", "TIME", "how long inventory and the dashboard may take to catch up after the run (default 30s)"),
        new("request-timeout", "TIME", "a request without an answer by then counts as 'no answer' (default 30s)"),
        new("connections", "N", $"HTTP connections to the gateway at most (default {GatewayHttp.DefaultConnections})"),
        new("setup-parallelism", "N", "sign-ups and sign-ins at once during setup (default 4; each costs identity ~0.4 s of CPU)"),
        new("report", "FILE", "also write the report as JSON to FILE"),
        new("chaos-kill-every", "TIME", "delete a random FlashSale pod with kubectl this often during the run"),
        new("chaos-namespace", "NS", $"where to delete pods (default {ChaosSettings.DefaultNamespace})"),
        new("chaos-selector", "LABELS", $"which pods (default {ChaosSettings.DefaultSelector})"),
        new("plain", null, "print progress as plain lines even on a terminal (always so when output is redirected)"),
        new("help", null, "show this help"),
    ];

    public static string Usage()
    {
        var text = new StringBuilder()
            .AppendLine("Usage: loadgen --gateway URL [options]")
            .AppendLine()
            .AppendLine("Runs a flash sale against a FlashSale gateway: prepares a product, its sale and stock (or takes --sku), signs")
            .AppendLine("customers up or in, sends buyers at an open-loop rate, follows their orders and checks the invariants.")
            .AppendLine()
            .AppendLine("Options (each also as environment variable LOADGEN_<NAME>, e.g. LOADGEN_CUSTOMER_SECRET):");
        foreach (var option in Options)
        {
            var name = option.IsFlag ? $"--{option.Name}" : $"--{option.Name} {option.Value}";
            text.AppendLine(CultureInfo.InvariantCulture, $"  {name,-28} {option.Help}");
        }

        return text
            .AppendLine()
            .AppendLine("TIME is 500ms, 30s, 2m, 1m30s or 1h. Exit codes: 0 all invariants held, 1 an invariant broke, 2 bad arguments,")
            .AppendLine("3 the run could not start (gateway unreachable, setup refused, kubectl missing), 4 interrupted (report so far).")
            .ToString();
    }

    public static ParsedCommand Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var given = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Count; i++)
        {
            var argument = args[i];
            if (!argument.StartsWith("--", StringComparison.Ordinal))
            {
                return new ParsedCommand.Invalid($"unexpected argument '{argument}': options start with --");
            }

            var (name, inline) = argument.IndexOf('=', StringComparison.Ordinal) is var equals and > 0
                ? (argument[2..equals], argument[(equals + 1)..])
                : (argument[2..], null);
            if (Array.Find(Options, candidate => candidate.Name == name) is not { } option)
            {
                return new ParsedCommand.Invalid($"unknown option --{name}");
            }

            if (option.IsFlag)
            {
                given[name] = inline ?? "true";
            }
            else if (inline is not null)
            {
                given[name] = inline;
            }
            else if (i + 1 < args.Count && !args[i + 1].StartsWith("--", StringComparison.Ordinal))
            {
                given[name] = args[++i];
            }
            else
            {
                return new ParsedCommand.Invalid($"--{name} needs a value ({option.Value})");
            }
        }

        foreach (var option in Options.Where(option => !given.ContainsKey(option.Name)))
        {
            if (environment(option.EnvironmentName) is { Length: > 0 } value)
            {
                given[option.Name] = value;
            }
        }

        try
        {
            var values = new Values(given);
            return values.Flag("help") ? new ParsedCommand.Help() : new ParsedCommand.Run(Build(values));
        }
        catch (FormatException ex)
        {
            return new ParsedCommand.Invalid(ex.Message);
        }
    }

    private static Invocation Build(Values values)
    {
        var gateway = values.Text("gateway") ?? throw new FormatException("--gateway is required (or LOADGEN_GATEWAY)");
        if (!Uri.TryCreate(gateway, UriKind.Absolute, out var gatewayUri) || gatewayUri.Scheme is not ("http" or "https"))
        {
            throw new FormatException($"--gateway: '{gateway}' is not an http:// or https:// URL");
        }

        var peak = values.Number("rate", 50, minimum: double.Epsilon);
        var ramp = values.Duration("ramp", TimeSpan.Zero, allowZero: true);
        var rate = new RateProfile(values.Number("ramp-from", ramp > TimeSpan.Zero ? 0 : peak, minimum: 0), peak, ramp,
            values.Duration("duration", TimeSpan.FromSeconds(30)));
        if (rate.Problem() is { } problem)
        {
            throw new FormatException(problem);
        }

        if (values.Has("closed-loop") && (values.Has("rate") || values.Has("ramp") || values.Has("ramp-from")))
        {
            throw new FormatException("--closed-loop replaces --rate, --ramp and --ramp-from");
        }

        var options = new LoadOptions
        {
            Gateway = gatewayUri,
            Sku = values.Text("sku"),
            Units = values.Has("units") ? values.Integer("units", 0, minimum: 0) : null,
            Rate = rate,
            ClosedLoopBuyers = values.Has("closed-loop") ? values.Integer("closed-loop", 1, minimum: 1) : null,
            Quantity = values.Integer("quantity", 1, minimum: 1),
            Customers = Customers(values),
            Admin = new Credentials(values.Text("admin-user") ?? "admin", values.Text("admin-password") ?? "admin-demo-password"),
            Browse = !values.Flag("no-browse"),
            Retry = RetryPolicy.Default with { MaxAttempts = values.Integer("max-attempts", RetryPolicy.Default.MaxAttempts, minimum: 1) },
            Follow = values.Flag("poll") ? OrderFollowing.Poll : OrderFollowing.Stream,
            PollInterval = values.Duration("poll-interval", TimeSpan.FromMilliseconds(500)),
            SettleTimeout = values.Duration("settle-timeout", TimeSpan.FromMinutes(2)),
            AuditTimeout = values.Duration("audit-timeout", TimeSpan.FromSeconds(30), allowZero: true),
            RequestTimeout = values.Duration("request-timeout", TimeSpan.FromSeconds(30)),
            SetupParallelism = values.Integer("setup-parallelism", 4, minimum: 1),
        };
        var chaos = values.Has("chaos-kill-every")
            ? new ChaosSettings(values.Duration("chaos-kill-every", TimeSpan.Zero),
                values.Text("chaos-namespace") ?? ChaosSettings.DefaultNamespace, values.Text("chaos-selector") ?? ChaosSettings.DefaultSelector)
            : null;
        return new Invocation(options, values.Integer("connections", GatewayHttp.DefaultConnections, minimum: 1), values.Text("report"), chaos, values.Flag("plain"));
    }

    private static CustomerSource Customers(Values values)
    {
        if (values.Text("customers") is not { } file)
        {
            return new CustomerSource.SignedUp(new GeneratedCustomers(
                values.Text("customer-prefix") ?? "loadgen", values.Text("customer-secret") ?? "flashsale-loadgen",
                values.Integer("customer-count", 100, minimum: 1)));
        }

        if (values.Has("customer-count") || values.Has("customer-prefix"))
        {
            throw new FormatException("--customers FILE names the customers; it does not go with --customer-count or --customer-prefix");
        }

        string[] lines;
        try
        {
            lines = File.ReadAllLines(file);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new FormatException($"--customers: cannot read {file} ({ex.Message})");
        }

        var (accounts, problem) = Credentials.ParseList(lines);
        return problem is not null ? throw new FormatException($"--customers: {file}: {problem}")
            : accounts.Count == 0 ? throw new FormatException($"--customers: {file} has no customers")
            : new CustomerSource.Existing(accounts);
    }

    /// <summary>The given values, converted with a message naming the option when one does not fit.</summary>
    private sealed class Values(Dictionary<string, string> given)
    {
        public bool Has(string name) => given.ContainsKey(name);

        public string? Text(string name) => given.GetValueOrDefault(name);

        public bool Flag(string name) => given.TryGetValue(name, out var value) && (bool.TryParse(value, out var flag)
            ? flag
            : throw new FormatException($"--{name}: '{value}' is not true or false"));

        public double Number(string name, double fallback, double minimum) =>
            !given.TryGetValue(name, out var text) ? fallback
            : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) && value >= minimum ? value
            : throw new FormatException($"--{name}: '{text}' is not a number{(minimum > 0 ? " above 0" : " of 0 or more")}");

        public int Integer(string name, int fallback, int minimum) =>
            !given.TryGetValue(name, out var text) ? fallback
            : int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= minimum ? value
            : throw new FormatException($"--{name}: '{text}' is not a whole number of {minimum} or more");

        public TimeSpan Duration(string name, TimeSpan fallback, bool allowZero = false) =>
            !given.TryGetValue(name, out var text) ? fallback
            : Durations.TryParse(text, out var value) && (value > TimeSpan.Zero || (allowZero && value == TimeSpan.Zero)) ? value
            : throw new FormatException($"--{name}: '{text}' is not a duration{(allowZero ? "" : " above zero")} such as 500ms, 30s, 2m or 1h");
    }
}
