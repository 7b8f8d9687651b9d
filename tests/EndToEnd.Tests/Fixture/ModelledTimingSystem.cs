using FlashSale.TestSupport.Sidecar;

namespace FlashSale.EndToEnd.Tests.Fixture;

/// <summary>A whole system of its own on the platform's timing (<see cref="PlatformTiming.Dapr117"/>), shared by a class's tests.</summary>
public sealed class ModelledTimingSystem : IAsyncLifetime
{
    public SystemFixture System { get; } = new() { Timing = PlatformTiming.Dapr117 };

    public ValueTask InitializeAsync() => System.InitializeAsync();

    public ValueTask DisposeAsync() => System.DisposeAsync();
}
