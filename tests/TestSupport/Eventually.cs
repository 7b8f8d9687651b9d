using System.Diagnostics;
using System.Text.Json;

namespace FlashSale.TestSupport;

/// <summary>
/// Waiting for eventual consistency: probe until the condition holds or the deadline passes, never a fixed sleep. A
/// timeout names what was awaited and shows the last thing seen.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(25);

    public static async Task<T> MatchesAsync<T>(
        Func<Task<T>> probe, Func<T, bool> condition, string awaited, TimeSpan? deadline = null, CancellationToken cancellationToken = default)
    {
        var limit = deadline ?? Deadline;
        var clock = Stopwatch.StartNew();
        while (true)
        {
            var seen = await probe();
            if (condition(seen))
            {
                return seen;
            }

            if (clock.Elapsed > limit)
            {
                throw new TimeoutException($"Waited {limit.TotalSeconds:0.#} s for {awaited}; last seen: {Describe(seen)}");
            }

            await Task.Delay(Interval, cancellationToken);
        }
    }

    public static Task<T> MatchesAsync<T>(
        Func<T> probe, Func<T, bool> condition, string awaited, TimeSpan? deadline = null, CancellationToken cancellationToken = default) =>
        MatchesAsync(() => Task.FromResult(probe()), condition, awaited, deadline, cancellationToken);

    private static string Describe<T>(T value)
    {
        try
        {
            return JsonSerializer.Serialize(value, JsonSerializerOptions.Web);
        }
        catch (NotSupportedException)
        {
            return value?.ToString() ?? "null";
        }
    }
}
