using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;

namespace FlashSale.InProcessSystem;

/// <summary>
/// Configuration a scenario changes while the system runs (say, the payment provider's latency), as an operator would
/// change a ConfigMap that the service reloads. Services read it through <c>IOptionsMonitor</c>.
/// </summary>
internal sealed class LiveSettings : IConfigurationSource
{
    private readonly Provider _provider = new();

    public IConfigurationProvider Build(IConfigurationBuilder builder) => _provider;

    public void Set(string key, string? value) => _provider.Set(key, value);

    private sealed class Provider : ConfigurationProvider
    {
        // Parallel scenarios set values while the service reads them.
        public Provider() => Data = new ConcurrentDictionary<string, string?>(StringComparer.OrdinalIgnoreCase);

        public override void Set(string key, string? value)
        {
            base.Set(key, value);
            OnReload();
        }
    }
}
