using FlashSale.Payment;
using FlashSale.Payment.Infrastructure;
using FlashSale.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace FlashSale.Payment.Tests;

/// <summary>The payment service in memory, with a configurable simulated provider (no latency unless asked for).</summary>
public sealed class PaymentServiceFactory() : ServiceFactory<PaymentAssemblyMarker>("payment")
{
    public const string DeclinedCustomer = "customer-with-a-bad-card";

    public TimeSpan ProviderLatency { get; init; } = TimeSpan.Zero;

    public SimulatedPaymentProvider Provider => Services.GetRequiredService<SimulatedPaymentProvider>();

    public CloudEventPoster CreateSidecar() => new(CreateClient());

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.UseSetting("Payment:Provider:Latency", ProviderLatency.ToString());
        builder.UseSetting("Payment:Provider:DeclinedCustomers:0", DeclinedCustomer);
    }
}
