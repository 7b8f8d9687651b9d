using FlashSale.TestSupport.Sidecar;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace FlashSale.EndToEnd.Tests.Sidecar;

/// <summary>The fault switches: duplicates, reordering, a lagging topic, failing deliveries, an app going down.</summary>
public sealed class SidecarFaultTests
{
    private const string Topic = "payments";

    [Fact]
    public async Task Every_message_can_be_delivered_twice_with_the_same_id()
    {
        await using var sidecar = SidecarTestKit.ForRepository();
        var inbox = new Inbox();
        await using var app = await StartSubscriberAsync(inbox);
        await sidecar.AddAppAsync("ordering", app.CreateHandler(), cancellationToken: TestContext.Current.CancellationToken);
        sidecar.Faults.DeliverEveryMessageTwice = true;

        await PublishAsync(sidecar, "p-1", "p-1");
        await PublishAsync(sidecar, "p-2", "p-1");
        await sidecar.SettleAsync();

        var ids = inbox.Received.Select(r => r.Id).ToList();
        Assert.Equal(4, ids.Count);
        Assert.Equal(ids[0], ids[1]);
        Assert.Equal(ids[2], ids[3]);
        Assert.NotEqual(ids[0], ids[2]);
        Assert.Equal(2, sidecar.PubSub.Deliveries.Count(d => d.Duplicate));
    }

    [Fact]
    public async Task Reordering_mixes_partitions_but_keeps_each_partitions_order()
    {
        await using var sidecar = SidecarTestKit.ForRepository();
        var inbox = new Inbox();
        await using var app = await StartSubscriberAsync(inbox);
        await sidecar.AddAppAsync("ordering", app.CreateHandler(), cancellationToken: TestContext.Current.CancellationToken);
        sidecar.Faults.ReorderAcrossPartitions = true;

        var published = Enumerable.Range(1, 20).Select(i => $"p-{i}").ToList();
        foreach (var id in published)
        {
            await PublishAsync(sidecar, id, key: id);
        }

        await PublishAsync(sidecar, "p-1-second", key: "p-1");
        await sidecar.SettleAsync();

        var received = inbox.Received.Select(r => r.Data("paymentId")).ToList();
        Assert.Equal(21, received.Count);
        Assert.NotEqual(published, received.Where(published.Contains));
        Assert.True(received.IndexOf("p-1") < received.IndexOf("p-1-second"));
    }

    [Fact]
    public async Task A_delayed_topic_is_delivered_no_earlier_than_its_delay()
    {
        await using var sidecar = SidecarTestKit.ForRepository();
        var inbox = new Inbox();
        await using var app = await StartSubscriberAsync(inbox);
        await sidecar.AddAppAsync("ordering", app.CreateHandler(), cancellationToken: TestContext.Current.CancellationToken);
        var delay = TimeSpan.FromMilliseconds(300);
        sidecar.Faults.DelayTopic(Topic, delay);

        await PublishAsync(sidecar, "p-1");
        await sidecar.SettleAsync();

        var message = Assert.Single(sidecar.PubSub.Messages(Topic));
        var delivery = Assert.Single(sidecar.PubSub.Deliveries);
        Assert.True(delivery.At - message.Timestamp >= delay, $"delivered after {delivery.At - message.Timestamp}");
    }

    [Fact]
    public async Task Failed_deliveries_are_retried_so_every_message_arrives_once()
    {
        await using var sidecar = SidecarTestKit.ForRepository();
        var inbox = new Inbox();
        await using var app = await StartSubscriberAsync(inbox);
        await sidecar.AddAppAsync("ordering", app.CreateHandler(), cancellationToken: TestContext.Current.CancellationToken);
        sidecar.Faults.FailDeliveries(0.5, seed: 7);

        var published = Enumerable.Range(1, 20).Select(i => $"p-{i}").ToList();
        foreach (var id in published)
        {
            await PublishAsync(sidecar, id, key: id);
        }

        await sidecar.SettleAsync();

        Assert.Equal(published.Order(), inbox.Received.Select(r => r.Data("paymentId")).Order());
        Assert.Contains(sidecar.PubSub.Deliveries, d => d.Answer == AppAnswer.InjectedFault);
        Assert.Empty(sidecar.PubSub.DeadLetters);
    }

    [Fact]
    public async Task Failed_deliveries_hit_about_the_requested_fraction_of_attempts_each_drawn_on_its_own()
    {
        const double fraction = 0.2;
        const int messages = 1_000;
        var options = SidecarTestKit.FastRetries with { MaxDeliveryAttempts = 11, MaxRetryBackoff = TimeSpan.FromMilliseconds(1) };
        await using var sidecar = SidecarTestKit.ForRepository(options);
        var inbox = new Inbox();
        await using var app = await StartSubscriberAsync(inbox);
        await sidecar.AddAppAsync("ordering", app.CreateHandler(), cancellationToken: TestContext.Current.CancellationToken);
        sidecar.Faults.FailDeliveries(fraction, seed: 11);

        for (var i = 0; i < messages; i++)
        {
            await PublishAsync(sidecar, $"p-{i}");
        }

        await sidecar.SettleAsync();

        // Every message arrived once, none was dead-lettered: an injected failure never takes a message's last attempt.
        Assert.Equal(messages, inbox.Received.Select(r => r.Data("paymentId")).Distinct().Count());
        Assert.Empty(sidecar.PubSub.DeadLetters);
        // Each attempt that may fail (all but the last allowed) fails with the requested probability...
        var eligible = sidecar.PubSub.Deliveries.Where(d => d.Attempt < options.MaxDeliveryAttempts).ToList();
        var measured = eligible.Count(d => d.Answer == AppAnswer.InjectedFault) / (double)eligible.Count;
        // ...independently of the attempts before it, so a message fails its first k attempts with probability fraction^k.
        var failuresInARow = sidecar.PubSub.Deliveries.GroupBy(d => d.Offset)
            .Select(attempts => attempts.OrderBy(d => d.Attempt).TakeWhile(d => d.Answer == AppAnswer.InjectedFault).Count())
            .ToList();
        var shares = Enumerable.Range(1, 3).Select(k => (K: k, Share: failuresInARow.Count(run => run >= k) / (double)messages)).ToList();
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"FailDeliveries({fraction}): {measured:P1} of {eligible.Count} attempts failed; messages failing their first k attempts: "
            + string.Join(", ", shares.Select(s => $"k={s.K}: {s.Share:P2} (independent: {Math.Pow(fraction, s.K):P2})"))
            + $"; longest run {failuresInARow.Max()}");

        Assert.InRange(measured, fraction - FourSigma(fraction, eligible.Count), fraction + FourSigma(fraction, eligible.Count));
        Assert.All(shares, s =>
        {
            var expected = Math.Pow(fraction, s.K);
            Assert.InRange(s.Share, expected - FourSigma(expected, messages), expected + FourSigma(expected, messages));
        });
    }

    [Fact]
    public async Task Failing_every_delivery_still_lets_each_message_through_on_its_last_attempt()
    {
        await using var sidecar = SidecarTestKit.ForRepository();
        var inbox = new Inbox();
        await using var app = await StartSubscriberAsync(inbox);
        await sidecar.AddAppAsync("ordering", app.CreateHandler(), cancellationToken: TestContext.Current.CancellationToken);
        sidecar.Faults.FailDeliveries(1.0, seed: 3);

        await PublishAsync(sidecar, "p-1");
        await PublishAsync(sidecar, "p-2");
        await sidecar.SettleAsync();

        Assert.Equal(["p-1", "p-2"], inbox.Received.Select(r => r.Data("paymentId")).Order());
        Assert.All(sidecar.PubSub.Deliveries.Where(d => d.Answer == AppAnswer.Success),
            d => Assert.Equal(SidecarTestKit.FastRetries.MaxDeliveryAttempts, d.Attempt));
        Assert.Empty(sidecar.PubSub.DeadLetters);
    }

    [Fact]
    public async Task A_stopped_app_gets_nothing_until_it_restarts_and_its_state_survives()
    {
        await using var sidecar = SidecarTestKit.ForRepository();
        var inbox = new Inbox();
        await using var app = await StartSubscriberAsync(inbox);
        await sidecar.AddAppAsync("ordering", app.CreateHandler(), cancellationToken: TestContext.Current.CancellationToken);
        await sidecar.ClientFor("ordering").SaveStateAsync("orders-store", "o-1", "pending", cancellationToken: TestContext.Current.CancellationToken);

        sidecar.StopApp("ordering");
        await PublishAsync(sidecar, "p-1");
        var timeout = await Assert.ThrowsAsync<TimeoutException>(() =>
            sidecar.WaitForQuiescenceAsync(TimeSpan.FromMilliseconds(200), TestContext.Current.CancellationToken));
        Assert.Empty(inbox.Received);
        Assert.Contains("[app stopped]", timeout.Message, StringComparison.Ordinal);

        // A new instance of the app: a new host, the same stores.
        await using var restarted = await StartSubscriberAsync(inbox);
        await sidecar.RestartAppAsync("ordering", restarted.CreateHandler(), cancellationToken: TestContext.Current.CancellationToken);
        await sidecar.SettleAsync();

        Assert.Equal("p-1", Assert.Single(inbox.Received).Data("paymentId"));
        Assert.Equal("pending", await sidecar.ClientFor("ordering").GetStateAsync<string>("orders-store", "o-1", cancellationToken: TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task A_delivery_in_flight_when_the_app_stops_comes_again_after_the_restart()
    {
        await using var sidecar = SidecarTestKit.ForRepository();
        var inbox = new Inbox();
        var handling = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var app = await FakeApp.StartAsync(web =>
        {
            web.MapSubscribeHandler();
            web.MapPost("/payments", async (HttpRequest request) =>
            {
                await inbox.RecordAsync(request);
                handling.TrySetResult();
                await release.Task;
                return Results.Ok();
            }).WithTopic("pubsub", Topic);
        });
        await sidecar.AddAppAsync("ordering", app.CreateHandler(), cancellationToken: TestContext.Current.CancellationToken);

        await PublishAsync(sidecar, "p-1");
        await handling.Task.WaitAsync(SidecarTestKit.Deadline, TestContext.Current.CancellationToken);
        sidecar.StopApp("ordering");
        release.SetResult();
        await sidecar.RestartAppAsync("ordering", cancellationToken: TestContext.Current.CancellationToken);
        await sidecar.SettleAsync();

        var received = inbox.Received;
        Assert.Equal(2, received.Count);
        Assert.Equal(received[0].Id, received[1].Id);
        Assert.Single(sidecar.PubSub.Deliveries);
    }

    /// <summary>Four standard deviations of the share of <paramref name="trials"/> draws that succeed with <paramref name="probability"/>.</summary>
    private static double FourSigma(double probability, int trials) => 4 * Math.Sqrt(probability * (1 - probability) / trials);

    private static Task PublishAsync(DaprSidecarStandIn sidecar, string paymentId, string? key = null) =>
        sidecar.PublishAsync("payment", Topic, "flashsale.payment.captured.v1", $$"""{"paymentId":"{{paymentId}}"}""", key ?? paymentId);

    private static Task<FakeApp> StartSubscriberAsync(Inbox inbox) =>
        FakeApp.StartAsync(web =>
        {
            web.MapSubscribeHandler();
            web.MapPost("/payments", async (HttpRequest request) =>
            {
                await inbox.RecordAsync(request);
                return Results.Json(new { status = "SUCCESS" });
            }).WithTopic("pubsub", Topic);
        });
}
