using System.Net;
using Dapr;
using Dapr.Actors.Client;
using FlashSale.TestSupport.Sidecar;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace FlashSale.TestSupport.Actors;

/// <summary>
/// A test stand-in for the actor part of a Dapr sidecar: a real HTTP server on 127.0.0.1 serving Dapr's documented
/// actor API (method invocation, state, reminders), because the Dapr.Actors SDK speaks plain HTTP to the sidecar and
/// cannot be pointed at anything in-process. It forwards invocations to the app that hosts the actor type, one turn
/// at a time per actor id, keeps state and reminders in memory across app restarts and actor deactivations, and fires
/// reminders when the test says so, by a clock the test controls.
/// <para>How a test wires an app to it:</para>
/// <list type="bullet">
/// <item>Every app that calls or hosts actors reaches it through its Dapr HTTP endpoint. In Dapr.Actors 1.19,
/// <c>AddActors</c> gives the actor runtime and the <c>IActorProxyFactory</c> it registers the same endpoint:
/// <c>ActorRuntimeOptions.HttpEndpoint</c> if set, else <c>DaprDefaults.GetDefaultHttpEndpoint(IConfiguration)</c>,
/// i.e. <c>DAPR_HTTP_ENDPOINT</c>, else <c>http://localhost:&lt;DAPR_HTTP_PORT or 3500&gt;</c>, each read from the app's
/// configuration first and the environment second. So <see cref="UseFor"/> sets <c>DAPR_HTTP_ENDPOINT</c> in the
/// app's configuration, which also works for a caller-only app (<c>AddActors</c> with no actor registered). A hand-made
/// <c>new ActorProxyFactory()</c> reads the environment only (<c>ActorProxyOptions.HttpEndpoint</c>), so apps take
/// theirs from <c>AddActors</c>.</item>
/// <item>An app that hosts actors is also registered with <see cref="HostAppAsync(string, HttpMessageHandler, CancellationToken)"/>
/// (e.g. with <c>WebApplicationFactory.Server.CreateHandler()</c>) or a base address; the stand-in then reads its
/// <c>GET /dapr/config</c> to learn the actor types, as the sidecar does. Registering the same app id again models a
/// restart; <see cref="StopApp"/> models an app that went away.</item>
/// <item>Tests call actors directly with <see cref="CreateProxyFactory"/>.</item>
/// </list>
/// With a <see cref="PlatformTiming"/>, each turn holds its actor for the platform's time of the call and of the state
/// and reminder operations the app makes during it (see <see cref="ActorTurns"/>).
/// Not modelled: actor timers, reentrancy, state TTL, idle deactivation (use <see cref="DeactivateAsync"/>), replicas.
/// </summary>
public sealed class ActorSidecar : IAsyncDisposable
{
    private readonly WebApplication _server;

    private ActorSidecar(WebApplication server, TimeProvider clock, PlatformTiming timing)
    {
        _server = server;
        Clock = clock;
        Timing = timing;
        Reminders = new ActorReminderStore(clock);
    }

    /// <summary>The sidecar's HTTP endpoint, e.g. <c>http://127.0.0.1:41234</c> (what <c>DAPR_HTTP_ENDPOINT</c> holds).</summary>
    public string HttpEndpoint { get; private set; } = string.Empty;

    /// <summary>The clock reminders are due by; advance it (e.g. a <c>FakeTimeProvider</c>) and call <see cref="FireDueRemindersAsync"/>.</summary>
    public TimeProvider Clock { get; }

    /// <summary>The platform's timing the turns follow (<see cref="PlatformTiming.None"/> unless started with one).</summary>
    public PlatformTiming Timing { get; }

    public ActorStateStore State { get; } = new();

    public ActorReminderStore Reminders { get; }

    internal ActorPlacement Placement { get; } = new();

    internal ActorTurns Turns { get; } = new();

    public static Task<ActorSidecar> StartAsync(TimeProvider? clock = null, CancellationToken cancellationToken = default) =>
        StartAsync(clock, PlatformTiming.None, cancellationToken);

    /// <summary>Starts the sidecar with the platform's timing (give the Dapr stand-in the same, in <see cref="SidecarOptions.Timing"/>).</summary>
    public static async Task<ActorSidecar> StartAsync(TimeProvider? clock, PlatformTiming timing, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var server = builder.Build();
        var sidecar = new ActorSidecar(server, clock ?? TimeProvider.System, timing);
        server.MapActorSidecarApi(sidecar);
        await server.StartAsync(cancellationToken);
        var address = server.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        sidecar.HttpEndpoint = address.TrimEnd('/');
        return sidecar;
    }

    /// <summary>Points the app's Dapr SDK (actor runtime and proxy factory) at this sidecar.</summary>
    public void UseFor(IWebHostBuilder app) => app.UseSetting(DaprDefaults.DaprHttpEndpointEnvironmentVariableName, HttpEndpoint);

    /// <summary>Registers (or, after a restart, re-registers) an app reached through an in-memory handler.</summary>
    public Task HostAppAsync(string appId, HttpMessageHandler handler, CancellationToken cancellationToken = default) =>
        HostAsync(appId, new HttpClient(handler, disposeHandler: false) { BaseAddress = new Uri("http://app/") }, cancellationToken);

    /// <summary>Registers (or re-registers) an app listening at <paramref name="baseAddress"/>.</summary>
    public Task HostAppAsync(string appId, Uri baseAddress, CancellationToken cancellationToken = default) =>
        HostAsync(appId, new HttpClient { BaseAddress = new Uri(baseAddress.ToString().TrimEnd('/') + "/") }, cancellationToken);

    /// <summary>The app went away: its actors are no longer active; their state and reminders stay with the sidecar.</summary>
    public bool StopApp(string appId) => Placement.Remove(appId);

    /// <summary>Deactivates an active actor (<c>DELETE /actors/&lt;type&gt;/&lt;id&gt;</c> on its app), in its own turn.</summary>
    public async Task<bool> DeactivateAsync(string actorType, string actorId, CancellationToken cancellationToken = default)
    {
        var actor = new ActorKey(actorType, actorId);
        using var turn = await Turns.EnterAsync(actor, cancellationToken);
        return Placement.HostOf(actorType) is { } app && await app.DeactivateAsync(actor, cancellationToken);
    }

    /// <summary>
    /// Fires every reminder due by <see cref="Clock"/> once: each in its actor's turn, different actors in parallel.
    /// A firing that fails (no app hosts the type, or the app does not answer 2xx) leaves the reminder due; one deleted
    /// by an earlier turn does not fire.
    /// </summary>
    public async Task<IReadOnlyList<ReminderFiring>> FireDueRemindersAsync(CancellationToken cancellationToken = default)
    {
        var firings = await Task.WhenAll(Reminders.Due()
            .GroupBy(reminder => reminder.Actor)
            .Select(async actorReminders =>
            {
                var results = new List<ReminderFiring>();
                foreach (var reminder in actorReminders)
                {
                    if (await FireAsync(reminder, cancellationToken) is { } firing)
                    {
                        results.Add(firing);
                    }
                }

                return results;
            }));
        return firings.SelectMany(results => results).ToList();
    }

    /// <summary>A proxy factory for tests that call actors the way a caller app does.</summary>
    public IActorProxyFactory CreateProxyFactory(Action<ActorProxyOptions>? configure = null)
    {
        var options = new ActorProxyOptions { HttpEndpoint = HttpEndpoint };
        configure?.Invoke(options);
        return new ActorProxyFactory(options);
    }

    public async ValueTask DisposeAsync()
    {
        Placement.Dispose();
        await _server.StopAsync();
        await _server.DisposeAsync();
    }

    private async Task HostAsync(string appId, HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            Placement.Add(await ActorApp.ConnectAsync(appId, http, cancellationToken));
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    private async Task<ReminderFiring?> FireAsync(ScheduledReminder reminder, CancellationToken cancellationToken)
    {
        using var turn = await Turns.EnterAsync(reminder.Actor, cancellationToken);
        // The turn before ours may have deleted or replaced the reminder (e.g. an order committed just in time).
        if (!ReferenceEquals(Reminders.Find(reminder.Actor, reminder.Name), reminder))
        {
            return null;
        }

        if (Placement.HostOf(reminder.Actor.Type) is not { } app)
        {
            return new ReminderFiring(reminder, null);
        }

        turn.Charge(Timing.ActorCall);
        using var response = await app.RemindAsync(reminder, cancellationToken);
        await turn.HoldAsync(cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            Reminders.Fired(reminder);
        }

        return new ReminderFiring(reminder, response.StatusCode);
    }
}

/// <summary>One reminder firing: <see cref="StatusCode"/> is the app's answer, null when no app hosts the actor type.</summary>
public sealed record ReminderFiring(ScheduledReminder Reminder, HttpStatusCode? StatusCode)
{
    public bool Succeeded => StatusCode is { } status && (int)status is >= 200 and < 300;
}
