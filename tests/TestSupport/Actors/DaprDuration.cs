using System.Globalization;
using System.Text.RegularExpressions;

namespace FlashSale.TestSupport.Actors;

/// <summary>
/// The time formats of Dapr's reminder API: <c>dueTime</c> is a Go duration (<c>1m</c>, <c>0h10m0s0ms</c>, what the
/// .NET SDK sends), an ISO 8601 duration (<c>PT10M</c>) or an RFC 3339 instant; <c>period</c> is a Go or ISO 8601
/// duration, optionally with repetitions (<c>R5/PT1M</c>), and empty for a reminder that fires once.
/// </summary>
public static partial class DaprDuration
{
    /// <summary>When a reminder registered at <paramref name="now"/> first fires.</summary>
    public static DateTimeOffset DueAt(string? dueTime, DateTimeOffset now)
    {
        if (string.IsNullOrEmpty(dueTime))
        {
            return now;
        }

        if (DateTimeOffset.TryParseExact(dueTime, "yyyy-MM-dd'T'HH:mm:ss.FFFFFFFK", CultureInfo.InvariantCulture,
                DateTimeStyles.None, out var instant))
        {
            return instant;
        }

        return now + Parse(dueTime, allowRepetitions: false).Interval;
    }

    /// <summary>The interval between firings and how many firings there are; (null, 1) for a one-shot reminder.</summary>
    public static (TimeSpan? Interval, int? Firings) Period(string? period)
    {
        if (string.IsNullOrEmpty(period))
        {
            return (null, 1);
        }

        var (interval, repetitions) = Parse(period, allowRepetitions: true);
        return interval > TimeSpan.Zero
            ? (interval, repetitions)
            : throw new FormatException($"period '{period}' must be positive");
    }

    /// <summary>A Go duration, e.g. for a reminder's <c>ttl</c>.</summary>
    public static TimeSpan Duration(string text) => Parse(text, allowRepetitions: false).Interval;

    private static (TimeSpan Interval, int? Repetitions) Parse(string text, bool allowRepetitions)
    {
        if (text == "0")
        {
            return (TimeSpan.Zero, null);
        }

        if (GoDuration().Match(text) is { Success: true } go)
        {
            var total = TimeSpan.Zero;
            for (var i = 0; i < go.Groups["value"].Captures.Count; i++)
            {
                var value = double.Parse(go.Groups["value"].Captures[i].Value, CultureInfo.InvariantCulture);
                total += go.Groups["unit"].Captures[i].Value switch
                {
                    "h" => TimeSpan.FromHours(value),
                    "m" => TimeSpan.FromMinutes(value),
                    "s" => TimeSpan.FromSeconds(value),
                    "ms" => TimeSpan.FromMilliseconds(value),
                    "us" or "µs" => TimeSpan.FromMicroseconds(value),
                    _ => TimeSpan.FromTicks((long)(value / 100)),
                };
            }

            return (total, null);
        }

        if (Iso8601Duration().Match(text) is { Success: true } iso && text != "P" && !text.EndsWith('T'))
        {
            int Part(string name) => iso.Groups[name].Success ? int.Parse(iso.Groups[name].Value, CultureInfo.InvariantCulture) : 0;
            var seconds = iso.Groups["seconds"].Success ? double.Parse(iso.Groups["seconds"].Value, CultureInfo.InvariantCulture) : 0;
            var interval = TimeSpan.FromDays(Part("weeks") * 7 + Part("days")) + TimeSpan.FromHours(Part("hours"))
                + TimeSpan.FromMinutes(Part("minutes")) + TimeSpan.FromSeconds(seconds);
            int? repetitions = iso.Groups["repetitions"].Success ? Part("repetitions") : null;
            return repetitions is not null && (!allowRepetitions || repetitions <= 0)
                ? throw new FormatException($"'{text}': repetitions are only allowed in a period, and must be positive")
                : (interval, repetitions);
        }

        throw new FormatException($"'{text}' is neither a Go duration (1h30m) nor an ISO 8601 duration (PT1H30M)");
    }

    [GeneratedRegex(@"^(?:(?<value>\d+(?:\.\d+)?)(?<unit>ns|us|µs|ms|s|m|h))+$")]
    private static partial Regex GoDuration();

    // Years and months have no fixed length; Dapr's reminders are used with weeks at most.
    [GeneratedRegex(@"^(?:R(?<repetitions>\d+)/)?P(?:(?<weeks>\d+)W)?(?:(?<days>\d+)D)?(?:T(?:(?<hours>\d+)H)?(?:(?<minutes>\d+)M)?(?:(?<seconds>\d+(?:\.\d+)?)S)?)?$")]
    private static partial Regex Iso8601Duration();
}
