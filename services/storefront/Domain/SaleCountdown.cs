namespace FlashSale.Storefront.Domain;

public enum SalePhase
{
    Upcoming,
    Running,
    Ended,
}

/// <summary>Where a sale stands at a moment, and the time left until its next change (start or end).</summary>
public sealed record SaleCountdown(SalePhase Phase, TimeSpan Remaining)
{
    public static SaleCountdown At(DateTimeOffset now, DateTimeOffset startsAt, DateTimeOffset endsAt) =>
        now < startsAt ? new(SalePhase.Upcoming, startsAt - now)
        : now < endsAt ? new(SalePhase.Running, endsAt - now)
        : new(SalePhase.Ended, TimeSpan.Zero);

    /// <summary>"2d 03:04:05" or "03:04:05", whole seconds rounded up so a countdown never shows 00:00:00 early.</summary>
    public string Clock
    {
        get
        {
            var seconds = (long)Math.Ceiling(Remaining.TotalSeconds);
            var (days, rest) = Math.DivRem(seconds, 86_400);
            var clock = $"{rest / 3600:D2}:{rest % 3600 / 60:D2}:{rest % 60:D2}";
            return days > 0 ? $"{days}d {clock}" : clock;
        }
    }

    public string Sentence => Phase switch
    {
        SalePhase.Upcoming => $"Starts in {Clock}",
        SalePhase.Running => $"Ends in {Clock}",
        _ => "Sale ended",
    };
}
