using FlashSale.Payment.Domain;
using FlashSale.Payment.Infrastructure;
using FlashSale.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.Payment.Api;

/// <summary>Read-only admin view of recorded payments, e.g. to check that an order was charged exactly once.</summary>
public static class PaymentsEndpoints
{
    public static IEndpointRouteBuilder MapPaymentsEndpoints(this IEndpointRouteBuilder app)
    {
        var payments = app.MapGroup("/payments").RequireAuthorization(Roles.Admin).WithTags("Payments");
        payments.MapGet("/{orderId}", GetPaymentAsync).WithName("GetPayment");
        return app;
    }

    private static async Task<Results<Ok<PaymentResponse>, ProblemHttpResult>> GetPaymentAsync(
        string orderId, PaymentStore store, CancellationToken cancellationToken)
    {
        var stored = await store.ReadAsync(orderId, cancellationToken);
        return stored.Record is { } payment
            ? TypedResults.Ok(PaymentResponse.From(payment))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No payment is recorded for this order",
                detail: $"order {orderId} has not been charged");
    }
}

/// <summary>A payment as the admin sees it: its outcome and how often the service called the provider for it.</summary>
public sealed record PaymentResponse(
    string OrderId,
    string CustomerId,
    PaymentStatus Status,
    string? PaymentId,
    decimal Amount,
    string Currency,
    string? FailureReason,
    string? RefundId,
    int ChargeAttempts,
    int RefundAttempts,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ChargedAt,
    DateTimeOffset? RefundedAt)
{
    public static PaymentResponse From(PaymentRecord payment) => new(
        payment.OrderId, payment.CustomerId, payment.Status, payment.PaymentId, payment.Amount, payment.Currency,
        payment.FailureReason, payment.RefundId, payment.ChargeAttempts, payment.RefundAttempts, payment.CreatedAt,
        payment.ChargedAt, payment.RefundedAt);
}
