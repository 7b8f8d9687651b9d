using System.Diagnostics.Metrics;
using System.Reflection;
using System.Text.Json.Nodes;
using FlashSale.Messaging;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Architecture.Tests;

/// <summary>
/// services/metrics.json is the one list of the metrics FlashSale emits (dashboards and alerts are checked against it
/// in Deployment.Tests). Here it is checked against the meters both ways: every instrument a service's metrics class
/// creates is declared with its kind and unit, and every declared one is created by the service the file names.
/// </summary>
public sealed class MetricCatalogTests
{
    private sealed record Instrument(string Meter, string Service, string Name, string Kind, string Unit)
    {
        public override string ToString() => $"{Service}: {Meter}/{Name} ({Kind}, {Unit})";
    }

    [Fact]
    public void Every_instrument_the_services_create_is_declared_in_metrics_json_and_every_declared_one_is_created()
    {
        var declared = Declared().ToHashSet();
        var created = Created().ToHashSet();

        Assert.NotEmpty(created);
        Assert.All(created, instrument => Assert.True(declared.Contains(instrument), $"{instrument} is not declared in services/metrics.json"));
        Assert.All(declared, instrument => Assert.True(created.Contains(instrument), $"services/metrics.json declares {instrument}, which no metrics class creates"));
    }

    [Fact]
    public void Every_meter_is_named_FlashSale_dot_something_so_the_telemetry_defaults_export_it()
    {
        // ServiceDefaults adds the meters "FlashSale.*".
        Assert.All(Declared(), instrument => Assert.Matches("^FlashSale\\.[A-Za-z]+$", instrument.Meter));
        Assert.All(Declared(), instrument => Assert.Matches("^flashsale\\.[a-z_.]+$", instrument.Name));
    }

    private static IEnumerable<Instrument> Declared() =>
        JsonNode.Parse(File.ReadAllText(Repository.PathOf("services", "metrics.json")))!["meters"]!.AsArray().SelectMany(meter =>
            meter!["instruments"]!.AsArray().Select(instrument => new Instrument(
                (string)meter["name"]!, (string)meter["service"]!, (string)instrument!["name"]!, (string)instrument["kind"]!, (string)instrument["unit"]!)));

    /// <summary>Creates every service's metrics classes (the types named *Metrics built from an IMeterFactory) and lists what they publish.</summary>
    private static List<Instrument> Created()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        var owners = ServiceProject.All.Select(service => (service.Folder, service.Assembly))
            .Append(("every subscriber", typeof(EventMetrics).Assembly));
        var instruments = new List<Instrument>();
        using var listener = new MeterListener();
        var service = "";
        listener.InstrumentPublished = (instrument, _) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, factory))
            {
                instruments.Add(new Instrument(instrument.Meter.Name, service, instrument.Name, KindOf(instrument), instrument.Unit ?? ""));
            }
        };
        listener.Start();
        foreach (var (folder, assembly) in owners)
        {
            service = folder;
            foreach (var type in assembly.GetTypes().Where(type => type.Name.EndsWith("Metrics", StringComparison.Ordinal) && !type.IsAbstract))
            {
                var constructor = type.GetConstructor(BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Instance, [typeof(IMeterFactory)]);
                Assert.True(constructor is not null, $"{type} is a metrics class without a constructor taking only an IMeterFactory");
                constructor.Invoke([factory]);
            }
        }

        return instruments;
    }

    private static string KindOf(System.Diagnostics.Metrics.Instrument instrument) => instrument.GetType().GetGenericTypeDefinition().Name switch
    {
        "Counter`1" => "counter",
        "Histogram`1" => "histogram",
        "Gauge`1" or "ObservableGauge`1" => "gauge",
        "UpDownCounter`1" or "ObservableUpDownCounter`1" => "updowncounter",
        var other => other,
    };
}
