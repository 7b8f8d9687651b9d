using FlashSale.TestSupport;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using FlashSale.TestSupport.Actors;
using Microsoft.Extensions.Time.Testing;

namespace FlashSale.Inventory.Tests.Sidecar;

/// <summary>The stand-in sidecar against Dapr's documented actor HTTP contracts, with a bare app behind it.</summary>
public sealed class ActorSidecarTests : IAsyncLifetime
{
    private readonly CancellationToken _cancellation = TestContext.Current.CancellationToken;
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2030, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private ActorSidecar _sidecar = null!;
    private ProbeApp _app = null!;
    private HttpClient _dapr = null!;

    public async ValueTask InitializeAsync()
    {
        _sidecar = await ActorSidecar.StartAsync(_clock, _cancellation);
        _app = await ProbeApp.StartAsync();
        await _sidecar.HostAppAsync("probe", _app.Handler, _cancellation);
        _dapr = new HttpClient { BaseAddress = new Uri(_sidecar.HttpEndpoint + "/v1.0/actors/") };
    }

    public async ValueTask DisposeAsync()
    {
        _dapr.Dispose();
        await _sidecar.DisposeAsync();
        await _app.DisposeAsync();
    }

    private Task<HttpResponseMessage> InvokeAsync(string actorId, string method, string body = "") =>
        _dapr.PostAsync($"Probe/{actorId}/method/{method}", new StringContent(body), _cancellation);

    [Fact]
    public async Task Calls_to_one_actor_take_turns()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 20).Select(i => InvokeAsync("one", "work", $"{i}")));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.Equal(20, _app.Calls.Count(call => call.ActorId == "one"));
        Assert.Equal(1, _app.MaxInFlight("one"));
    }

    [Fact]
    public async Task Calls_to_different_actors_run_in_parallel()
    {
        // "wait" on actor a only returns once actor b has been called: it would hang if actors shared one turn.
        var waiting = InvokeAsync("a", "wait");
        await Eventually.MatchesAsync(() => _app.Calls.Any(call => call.Kind == "wait"), seen => seen, "the probe app to receive the waiting call",
            cancellationToken: TestContext.Current.CancellationToken);
        var signal = await InvokeAsync("b", "signal");

        Assert.Equal(HttpStatusCode.OK, signal.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await waiting).StatusCode);
    }

    [Fact]
    public async Task An_invocation_reaches_the_app_as_a_put_with_its_headers_and_the_answer_comes_back_unchanged()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "Probe/x/method/teapot") { Content = new StringContent("payload") };
        request.Headers.Add("X-DaprRequestHeader", "<remoting header/>");

        var response = await _dapr.SendAsync(request, _cancellation);

        var call = Assert.Single(_app.Calls);
        Assert.Equal(("teapot", "payload", "<remoting header/>"), (call.Kind, call.Body, call.Headers["X-DaprRequestHeader"].ToString()));
        Assert.Equal((HttpStatusCode)418, response.StatusCode);
        Assert.Equal("answer-of-x", response.Headers.GetValues("X-DaprErrorResponseHeader").Single());
        Assert.Equal("teapot:payload", await response.Content.ReadAsStringAsync(_cancellation));
    }

    [Fact]
    public async Task State_is_saved_in_transactions_and_read_per_key()
    {
        const string transaction = """
            [
              { "operation": "upsert", "request": { "key": "counts", "value": { "available": 3 } } },
              { "operation": "upsert", "request": { "key": "gone", "value": "x" } },
              { "operation": "delete", "request": { "key": "gone" } }
            ]
            """;

        var save = await _dapr.PostAsync("Probe/s/state", new StringContent(transaction, Encoding.UTF8, "application/json"), _cancellation);
        var counts = await _dapr.GetAsync("Probe/s/state/counts", _cancellation);
        var gone = await _dapr.GetAsync("Probe/s/state/gone", _cancellation);

        Assert.Equal(HttpStatusCode.NoContent, save.StatusCode);
        Assert.Equal(3, (await counts.Content.ReadFromJsonAsync<JsonElement>(_cancellation)).GetProperty("available").GetInt32());
        Assert.Equal(HttpStatusCode.NoContent, gone.StatusCode);
        Assert.Equal(["counts"], _sidecar.State.KeysOf(new ActorKey("Probe", "s")));
    }

    [Fact]
    public async Task A_malformed_transaction_is_refused_whole_with_a_dapr_error()
    {
        const string transaction = """
            [
              { "operation": "upsert", "request": { "key": "first", "value": 1 } },
              { "operation": "merge", "request": { "key": "second", "value": 2 } }
            ]
            """;

        var save = await _dapr.PutAsync("Probe/s/state", new StringContent(transaction, Encoding.UTF8, "application/json"), _cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, save.StatusCode);
        Assert.Equal("ERR_ACTOR_STATE_TRANSACTION_SAVE", (await save.Content.ReadFromJsonAsync<JsonElement>(_cancellation)).GetProperty("errorCode").GetString());
        Assert.Empty(_sidecar.State.KeysOf(new ActorKey("Probe", "s")));
    }

    [Fact]
    public async Task Paths_with_the_double_slash_the_sdk_produces_are_served()
    {
        using var client = new HttpClient();

        var response = await client.GetAsync(_sidecar.HttpEndpoint + "//v1.0/actors/Probe/s/state/missing", _cancellation);

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Fact]
    public async Task A_periodic_reminder_with_repetitions_fires_by_the_clock_and_then_disappears()
    {
        const string reminder = """{ "dueTime": "1m", "period": "R2/PT30S", "data": "aGk=" }""";
        await _dapr.PutAsync("Probe/r/reminders/ping", new StringContent(reminder, Encoding.UTF8, "application/json"), _cancellation);
        var registered = await _dapr.GetFromJsonAsync<JsonElement>("Probe/r/reminders/ping", _cancellation);

        var beforeDue = await _sidecar.FireDueRemindersAsync(_cancellation);
        _clock.Advance(TimeSpan.FromMinutes(1));
        var first = await _sidecar.FireDueRemindersAsync(_cancellation);
        _clock.Advance(TimeSpan.FromSeconds(30));
        var second = await _sidecar.FireDueRemindersAsync(_cancellation);
        _clock.Advance(TimeSpan.FromSeconds(30));
        var third = await _sidecar.FireDueRemindersAsync(_cancellation);

        Assert.Equal(("1m", "R2/PT30S", "aGk="), (registered.GetProperty("dueTime").GetString(), registered.GetProperty("period").GetString(), registered.GetProperty("data").GetString()));
        Assert.Empty(beforeDue);
        Assert.True(Assert.Single(first).Succeeded);
        Assert.True(Assert.Single(second).Succeeded);
        Assert.Empty(third);
        var fired = _app.Calls.Where(call => call.Kind == "remind").ToList();
        Assert.Equal(2, fired.Count);
        var body = JsonDocument.Parse(fired[0].Body!).RootElement;
        Assert.Equal(("ping", "aGk=", "1m", "R2/PT30S"), (fired[0].Name, body.GetProperty("data").GetString(), body.GetProperty("dueTime").GetString(), body.GetProperty("period").GetString()));
        Assert.Empty(_sidecar.Reminders.All);
    }

    [Fact]
    public async Task A_deleted_reminder_never_fires_and_reads_as_null()
    {
        await _dapr.PutAsync("Probe/r/reminders/once", new StringContent("""{ "dueTime": "0h0m5s0ms", "period": "" }""", Encoding.UTF8, "application/json"), _cancellation);

        var deleted = await _dapr.DeleteAsync("Probe/r/reminders/once", _cancellation);
        _clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.Empty(await _sidecar.FireDueRemindersAsync(_cancellation));
        Assert.Equal("null", await _dapr.GetStringAsync("Probe/r/reminders/once", _cancellation));
    }

    [Theory]
    [InlineData("""{ "dueTime": "soon" }""")]
    [InlineData("""{ "dueTime": "1m", "period": "R0/PT1S" }""")]
    [InlineData("""[]""")]
    public async Task A_reminder_in_an_unknown_format_is_refused(string reminder)
    {
        var response = await _dapr.PutAsync("Probe/r/reminders/bad", new StringContent(reminder, Encoding.UTF8, "application/json"), _cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_sidecar.Reminders.All);
    }

    [Fact]
    public async Task Only_an_active_actor_is_deactivated()
    {
        var neverCalled = await _sidecar.DeactivateAsync(ProbeApp.ActorType, "d", _cancellation);
        await InvokeAsync("d", "work");
        var active = await _sidecar.DeactivateAsync(ProbeApp.ActorType, "d", _cancellation);
        var again = await _sidecar.DeactivateAsync(ProbeApp.ActorType, "d", _cancellation);

        Assert.Equal((false, true, false), (neverCalled, active, again));
        Assert.Single(_app.Calls, call => call.Kind == "deactivate" && call.ActorId == "d");
    }

    [Fact]
    public async Task Unhosted_actor_types_and_timers_fail_loudly()
    {
        var unhosted = await _dapr.PostAsync("Nobody/x/method/work", new StringContent(""), _cancellation);
        var timer = await _dapr.PutAsync("Probe/x/timers/t", new StringContent("{}"), _cancellation);

        Assert.Equal(HttpStatusCode.InternalServerError, unhosted.StatusCode);
        Assert.Equal("ERR_ACTOR_INVOKE_METHOD", (await unhosted.Content.ReadFromJsonAsync<JsonElement>(_cancellation)).GetProperty("errorCode").GetString());
        Assert.Equal(HttpStatusCode.NotImplemented, timer.StatusCode);
    }
}
