using FlashSale.Contracts;
using FlashSale.Contracts.Orders;
using FlashSale.Payment.Domain;
using FlashSale.Payment.Processing;
using FlashSale.Payment.Provider;
using FlashSale.Payment.Storage;
using FlashSale.ServiceDefaults.Messaging;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FlashSale.Payment;

public static class PaymentServiceExtensions
{
    /// <summary>The payment processor, its store and the simulated provider, configured from <c>Payment:*</c>.</summary>
    public static WebApplicationBuilder AddPayments(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<PaymentOptions>().BindConfiguration(PaymentOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<SimulatedProviderOptions>().BindConfiguration(SimulatedProviderOptions.Section)
            .ValidateDataAnnotations().ValidateOnStart();
        builder.Services.TryAddSingleton(TimeProvider.System);

        builder.Services.AddSingleton<SimulatedPaymentProvider>();
        builder.Services.AddSingleton<IPaymentProvider>(services => services.GetRequiredService<SimulatedPaymentProvider>());
        builder.Services.AddSingleton<PaymentStore>();
        builder.Services.AddEventPublisher();
        builder.Services
            .AddEventHandler<OrderPlaced, PaymentProcessor>()
            .AddEventHandler<RefundRequested, PaymentProcessor>();
        return builder;
    }

    /// <summary>
    /// The <c>orders</c> subscription: placed orders are charged, refund requests refunded; the order's other
    /// transitions are acknowledged (known, not needed here) while unknown types are dead-lettered.
    /// </summary>
    public static IEndpointRouteBuilder MapPaymentEvents(this IEndpointRouteBuilder app)
    {
        app.MapTopicSubscription(Topics.Orders)
            .On<OrderPlaced>()
            .On<RefundRequested>()
            .Ignore<OrderConfirmed>()
            .Ignore<OrderCancelled>();
        return app;
    }
}
