using Dapr.Actors.Client;
using FlashSale.Ordering.Infrastructure;
using FlashSale.Ordering.Tests.Fakes;
using FlashSale.TestSupport;
using Grpc.Core;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Ordering.Tests;

/// <summary>
/// The ordering service over in-memory Dapr, a fake catalog, fake stock actors and a
/// clock that moves only when a test advances it.
/// </summary>
public sealed class OrderingFactory : ServiceFactory<OrderingAssemblyMarker>
{
    public const string OrdersStore = "orders-store";

    public OrderingFactory() : this(new InMemoryDapr())
    {
    }

    /// <summary>Another ordering process over the same stores (internal: a class fixture has one public constructor).</summary>
    internal OrderingFactory(InMemoryDapr dapr) : base("ordering", dapr)
    {
    }

    public FakeCatalog Catalog { get; } = new();

    public FakeStock Stock { get; } = new();

    public FakeTimeProvider Clock { get; } = new(DateTimeOffset.UtcNow);

    protected override void ConfigureServices(IServiceCollection services)
    {
        services.AddKeyedSingleton<CallInvoker>(PricingRegistration.CatalogAppId, Catalog);
        services.AddSingleton<IActorProxyFactory>(Stock);
        services.AddSingleton<TimeProvider>(Clock);
    }
}
