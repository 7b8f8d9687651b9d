using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.TestSupport;

/// <summary>One measurement an instrument took, with its attributes.</summary>
public sealed record RecordedMeasurement(string Instrument, double Value, IReadOnlyDictionary<string, object?> Tags)
{
    public bool Has(string key, object? value) => Tags.TryGetValue(key, out var actual) && Equals(actual, value);
}

/// <summary>
/// Listens, in-process, to the instruments of one meter created by one host's <see cref="IMeterFactory"/>: what a
/// service would export over OTLP, without other hosts of the same test run (their meters have another scope) and
/// from the moment it was created.
/// </summary>
public sealed class MetricRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly ConcurrentQueue<RecordedMeasurement> _measurements = new();

    public MetricRecorder(IServiceProvider services, string meterName)
    {
        var factory = services.GetRequiredService<IMeterFactory>();
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == meterName && ReferenceEquals(instrument.Meter.Scope, factory))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<int>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Everything <paramref name="instrument"/> recorded so far (observable instruments are read now).</summary>
    public IReadOnlyList<RecordedMeasurement> Of(string instrument)
    {
        _listener.RecordObservableInstruments();
        return _measurements.Where(measurement => measurement.Instrument == instrument).ToList();
    }

    /// <summary>A counter's total since this recorder started, over the measurements that carry every given attribute.</summary>
    public double Sum(string instrument, params (string Key, object? Value)[] tags) =>
        Of(instrument).Where(measurement => tags.All(tag => measurement.Has(tag.Key, tag.Value))).Sum(measurement => measurement.Value);

    public void Dispose() => _listener.Dispose();

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags) where T : struct
    {
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var tag in tags)
        {
            attributes[tag.Key] = tag.Value;
        }

        _measurements.Enqueue(new RecordedMeasurement(instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), attributes));
    }
}
