namespace FlashSale.LoadGen.Domain;

/// <summary>
/// How many new buyers arrive per second: <see cref="StartPerSecond"/> at first, rising linearly to
/// <see cref="PeakPerSecond"/> over <see cref="Ramp"/>, then holding the peak until <see cref="Duration"/> ends.
/// Without a ramp the rate is constant.
/// </summary>
public sealed record RateProfile(double StartPerSecond, double PeakPerSecond, TimeSpan Ramp, TimeSpan Duration)
{
    public static RateProfile Constant(double perSecond, TimeSpan duration) => new(perSecond, perSecond, TimeSpan.Zero, duration);

    /// <summary>What is wrong with the profile, or null when it can be scheduled.</summary>
    public string? Problem() => this switch
    {
        { PeakPerSecond: <= 0 or double.NaN or double.PositiveInfinity } => "the rate must be a positive number of buyers per second",
        { StartPerSecond: < 0 or double.NaN or double.PositiveInfinity } => "the ramp's start rate must be zero or more buyers per second",
        { Duration.Ticks: <= 0 } => "the duration must be positive",
        _ when Ramp < TimeSpan.Zero || Ramp > Duration => "the ramp must be between zero and the duration",
        _ => null,
    };
}

/// <summary>
/// An open-loop arrival schedule, as wrk2 keeps one: arrival <c>k</c> is due when the profile's cumulative arrivals
/// reach <c>k</c>, whatever happened to the arrivals before it. A buyer's latency is measured from this due time, so a
/// slow system cannot make the load generator send less and hide its own slowness (coordinated omission).
/// </summary>
public sealed class ArrivalSchedule
{
    private readonly RateProfile _profile;
    private readonly double _rampSeconds;
    private readonly double _acceleration;
    private readonly double _arrivalsDuringRamp;

    public ArrivalSchedule(RateProfile profile)
    {
        if (profile.Problem() is { } problem)
        {
            throw new ArgumentException(problem, nameof(profile));
        }

        _profile = profile;
        _rampSeconds = profile.Ramp.TotalSeconds;
        _acceleration = _rampSeconds > 0 ? (profile.PeakPerSecond - profile.StartPerSecond) / _rampSeconds : 0;
        _arrivalsDuringRamp = (profile.StartPerSecond + profile.PeakPerSecond) / 2 * _rampSeconds;
        // Arrival k is due at N⁻¹(k); those due before the end are k = 0 .. ceil(N(end)) - 1. The epsilon keeps a whole
        // N(end) (10/s for 1 s) from gaining an arrival at the very end through rounding.
        Count = (long)Math.Ceiling(ExpectedBy(profile.Duration) - 1e-9);
    }

    public RateProfile Profile => _profile;

    /// <summary>Arrivals in the whole schedule.</summary>
    public long Count { get; }

    /// <summary>The offered rate at <paramref name="elapsed"/> into the schedule, in buyers per second.</summary>
    public double RateAt(TimeSpan elapsed)
    {
        var seconds = elapsed.TotalSeconds;
        return seconds < _rampSeconds ? _profile.StartPerSecond + _acceleration * seconds : _profile.PeakPerSecond;
    }

    /// <summary>N(t): the arrivals the profile offers in the first <paramref name="elapsed"/> (not rounded).</summary>
    public double ExpectedBy(TimeSpan elapsed)
    {
        var seconds = Math.Clamp(elapsed.TotalSeconds, 0, _profile.Duration.TotalSeconds);
        if (seconds <= _rampSeconds)
        {
            return _profile.StartPerSecond * seconds + _acceleration * seconds * seconds / 2;
        }

        return _arrivalsDuringRamp + _profile.PeakPerSecond * (seconds - _rampSeconds);
    }

    /// <summary>When arrival <paramref name="index"/> (0-based) is due, from the start of the schedule.</summary>
    public TimeSpan DueAt(long index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        double seconds;
        if (index <= _arrivalsDuringRamp && _rampSeconds > 0)
        {
            // Solve start·t + a·t²/2 = index for t ≥ 0.
            seconds = _acceleration == 0
                ? index / _profile.StartPerSecond
                : (-_profile.StartPerSecond + Math.Sqrt(_profile.StartPerSecond * _profile.StartPerSecond + 2 * _acceleration * index)) / _acceleration;
        }
        else
        {
            seconds = _rampSeconds + (index - _arrivalsDuringRamp) / _profile.PeakPerSecond;
        }

        return TimeSpan.FromSeconds(seconds);
    }
}
