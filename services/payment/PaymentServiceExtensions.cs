using FlashSale.Messaging;
using FlashSale.Payment.Api;
using FlashSale.Payment.Application;
using FlashSale.Payment.Domain;
using FlashSale.Payment.Infrastructure;
using FlashSale.Sidecar;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlashSale.Payment;

public static class PaymentServiceExtensions
{
    /// <summary>The payment processor, its store and the simulated provider, configured from <c>Payment:*</c>.</summary>
    public static WebApplicationBuilder AddPayment(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PaymentOptions>().BindConfiguration(PaymentOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<SimulatedProviderOptions>().BindConfiguration(SimulatedProviderOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.AddDaprSidecar();
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Services.AddSingleton<SimulatedPaymentProvider>();
        builder.Services.AddSingleton<IPaymentProvider>(services => services.GetRequiredService<SimulatedPaymentProvider>());
        builder.Services.AddSingleton<PaymentStore>();
        builder.Services.AddSingleton<PaymentMetrics>();
        builder.Services.AddEventPublisher();
        builder.Services.AddPaymentSubscriptions();
        return builder;
    }
}
