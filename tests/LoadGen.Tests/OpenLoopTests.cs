using System.Collections.Concurrent;
using FlashSale.LoadGen.Application;
using FlashSale.LoadGen.Domain;
using Microsoft.Extensions.Time.Testing;

namespace FlashSale.LoadGen.Tests;

public sealed class OpenLoopTests
{
    private static readonly ArrivalSchedule TenPerSecond = new(RateProfile.Constant(10, TimeSpan.FromSeconds(1)));

    [Fact]
    public async Task Every_arrival_starts_on_time_although_none_of_the_earlier_ones_has_finished()
    {
        var clock = new FakeTimeProvider();
        var started = new ConcurrentQueue<(long Index, TimeSpan At)>();
        var release = new TaskCompletionSource();
        var start = clock.GetTimestamp();

        var run = OpenLoop.RunAsync(TenPerSecond, async (arrival, _) =>
        {
            started.Enqueue((arrival.Index, clock.GetElapsedTime(start)));
            await release.Task;
        }, clock, TestContext.Current.CancellationToken);
        for (var step = 1; step < 10; step++)
        {
            await Eventually.MatchesAsync(() => started.Count, count => count == step, $"arrival {step - 1} to start", cancellationToken: TestContext.Current.CancellationToken);
            clock.Advance(TimeSpan.FromMilliseconds(100));
        }

        await Eventually.MatchesAsync(() => started.Count, count => count == 10, "all ten arrivals to start", cancellationToken: TestContext.Current.CancellationToken);
        Assert.False(run.IsCompleted, "the loop waits for the arrivals in flight");
        release.SetResult();

        Assert.Equal(10, await run);
        Assert.Equal(Enumerable.Range(0, 10).Select(i => TimeSpan.FromMilliseconds(100 * i)), started.OrderBy(arrival => arrival.Index).Select(arrival => arrival.At));
    }

    [Fact]
    public async Task Arrivals_the_loop_is_late_for_start_at_once_and_keep_their_due_time_so_the_delay_counts_as_latency()
    {
        var clock = new FakeTimeProvider();
        var latencies = new ConcurrentDictionary<long, TimeSpan>();

        var run = OpenLoop.RunAsync(TenPerSecond, (arrival, _) =>
        {
            latencies[arrival.Index] = clock.GetElapsedTime(arrival.DueTimestamp);
            return Task.CompletedTask;
        }, clock, TestContext.Current.CancellationToken);
        await Eventually.MatchesAsync(() => latencies.Count, count => count == 1, "the first arrival", cancellationToken: TestContext.Current.CancellationToken);
        // The loop sleeps through a whole second (a stalled machine): arrivals 1-9 are all overdue when it wakes.
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(10, await run);
        Assert.Equal(
            Enumerable.Range(1, 9).Select(i => TimeSpan.FromMilliseconds(1000 - 100 * i)),
            Enumerable.Range(1, 9).Select(i => latencies[i]));
    }

    [Fact]
    public async Task Stopping_ends_the_arrivals_and_hands_the_stop_to_those_in_flight()
    {
        var clock = new FakeTimeProvider();
        using var stop = new CancellationTokenSource();
        var started = 0;

        var run = OpenLoop.RunAsync(TenPerSecond, async (_, token) =>
        {
            Interlocked.Increment(ref started);
            await Task.Delay(Timeout.InfiniteTimeSpan, token);
        }, clock, stop.Token);
        await Eventually.MatchesAsync(() => Volatile.Read(ref started), count => count == 1, "the first arrival", cancellationToken: TestContext.Current.CancellationToken);
        clock.Advance(TimeSpan.FromMilliseconds(100));
        await Eventually.MatchesAsync(() => Volatile.Read(ref started), count => count == 2, "the second arrival", cancellationToken: TestContext.Current.CancellationToken);
        await stop.CancelAsync();
        clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal(2, await run);
        Assert.Equal(2, started);
    }

    [Fact]
    public async Task A_closed_loop_keeps_each_connection_busy_and_counts_answers_by_label()
    {
        var inFlight = 0;
        var mostInFlight = 0;

        var result = await ClosedLoop.RunAsync(4, TimeSpan.FromMilliseconds(300), async token =>
        {
            var now = Interlocked.Increment(ref inFlight);
            InterlockedMax(ref mostInFlight, now);
            await Task.Delay(5, token);
            Interlocked.Decrement(ref inFlight);
            return "200";
        }, cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(4, mostInFlight);
        Assert.True(result.Requests > 4, $"{result.Requests} requests");
        Assert.Equal(result.Requests, result.Latency.Count);
        Assert.Equal(new Dictionary<string, long> { ["200"] = result.Requests }, result.Answers);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int seen;
        while ((seen = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, seen) != seen)
        {
        }
    }
}
