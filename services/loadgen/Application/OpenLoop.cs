using FlashSale.LoadGen.Domain;

namespace FlashSale.LoadGen.Application;

/// <summary>One scheduled buyer: its number, when it was due from the start, and that moment as a clock timestamp.</summary>
public readonly record struct Arrival(long Index, TimeSpan DueAt, long DueTimestamp);

/// <summary>
/// Starts every arrival of a schedule at its due time without waiting for earlier ones to finish (open loop). If the
/// loop itself falls behind, the overdue arrivals start at once and still carry their due time, so whoever measures
/// from <see cref="Arrival.DueTimestamp"/> counts the delay as latency instead of hiding it.
/// </summary>
public static class OpenLoop
{
    /// <summary>
    /// Runs the schedule, then waits for the arrivals in flight. Cancelling stops new arrivals; the arrivals get the
    /// same token. Returns how many arrivals started. An arrival's unexpected exception is rethrown at the end.
    /// </summary>
    public static async Task<long> RunAsync(
        ArrivalSchedule schedule, Func<Arrival, CancellationToken, Task> arrive, TimeProvider clock, CancellationToken cancellationToken)
    {
        var inFlight = new InFlightTasks();
        var start = clock.GetTimestamp();
        long started = 0;
        for (; started < schedule.Count && !cancellationToken.IsCancellationRequested; started++)
        {
            var dueAt = schedule.DueAt(started);
            var wait = dueAt - clock.GetElapsedTime(start);
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, clock, cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            var arrival = new Arrival(started, dueAt, start + (long)Math.Round(dueAt.Ticks * (double)clock.TimestampFrequency / TimeSpan.TicksPerSecond));
            inFlight.Track(Task.Run(() => arrive(arrival, cancellationToken), CancellationToken.None));
        }

        await inFlight.DrainAsync();
        return started;
    }
}
