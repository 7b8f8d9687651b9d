using FlashSale.Payment;
using FlashSale.TestSupport;
using Microsoft.AspNetCore.Hosting;

namespace FlashSale.Payment.Tests;

/// <summary>
/// The payment service in memory, with a configurable simulated provider (no latency unless asked for). Factories
/// over one <see cref="InMemoryDapr"/> are replicas of payment sharing its store.
/// </summary>
public sealed class PaymentServiceFactory : ServiceFactory<PaymentAssemblyMarker>
{
    public const string DeclinedCustomer = "customer-with-a-bad-card";

    public PaymentServiceFactory()
        : this(new InMemoryDapr())
    {
    }

    internal PaymentServiceFactory(InMemoryDapr dapr)
        : base("payment", dapr)
    {
    }

    public TimeSpan ProviderLatency { get; init; } = TimeSpan.Zero;

    /// <summary><c>Payment:InFlightLease</c>, when a test needs a delivery's hold to run out.</summary>
    public TimeSpan? InFlightLease { get; init; }

    public CloudEventPoster CreateSidecar() => new(CreateClient());

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Payment:Provider:Latency", ProviderLatency.ToString());
        builder.UseSetting("Payment:Provider:DeclinedCustomers:0", DeclinedCustomer);
        if (InFlightLease is { } lease)
        {
            builder.UseSetting("Payment:InFlightLease", lease.ToString());
        }
    }
}
