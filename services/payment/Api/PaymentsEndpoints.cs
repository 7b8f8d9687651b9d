using FlashSale.Payment.Domain;
using FlashSale.Payment.Infrastructure;
using FlashSale.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.Payment.Api;

/// <summary>
/// Read-only admin view of recorded payments with the provider's ledger for the order, e.g. to check that an order was
/// charged exactly once. Admins reach it through the gateway (<c>GET /api/payments/{orderId}</c>).
/// </summary>
public static class PaymentsEndpoints
{
    public static IEndpointRouteBuilder MapPaymentsEndpoints(this IEndpointRouteBuilder app)
    {
        var payments = app.MapGroup("/payments").RequireAuthorization(Roles.Admin).WithTags("Payments");
        payments.MapGet("/{orderId}", GetPaymentAsync).WithName("GetPayment");
        return app;
    }

    private static async Task<Results<Ok<PaymentResponse>, ProblemHttpResult>> GetPaymentAsync(
        string orderId, PaymentStore store, IPaymentProvider provider, CancellationToken cancellationToken)
    {
        var stored = await store.ReadAsync(orderId, cancellationToken);
        // The order id is the provider's idempotency key for the order's charge and refund.
        return stored.Record is { } payment
            ? TypedResults.Ok(PaymentResponse.From(payment, await provider.LedgerAsync(orderId, cancellationToken)))
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No payment is recorded for this order",
                detail: $"order {orderId} has not been charged");
    }
}

/// <summary>
/// A payment as the admin sees it: its outcome, how often the service called the provider for it, and what the provider
/// executed (<see cref="Charges"/>, <see cref="Refunds"/>: replays add none, so one approved charge means charged once).
/// </summary>
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
    DateTimeOffset? RefundedAt,
    IReadOnlyList<ProviderChargeResponse> Charges,
    IReadOnlyList<ProviderRefundResponse> Refunds)
{
    public static PaymentResponse From(PaymentRecord payment, ProviderLedger ledger) => new(
        payment.OrderId, payment.CustomerId, payment.Status, payment.PaymentId, payment.Amount, payment.Currency,
        payment.FailureReason, payment.RefundId, payment.ChargeAttempts, payment.RefundAttempts, payment.CreatedAt,
        payment.ChargedAt, payment.RefundedAt,
        [.. ledger.Charges.Select(charge => new ProviderChargeResponse(charge.ChargeId, charge.DeclineReason, charge.Amount, charge.Currency, charge.At))],
        [.. ledger.Refunds.Select(refund => new ProviderRefundResponse(refund.RefundId, refund.ChargeId, refund.Amount, refund.Currency, refund.At))]);
}

/// <summary>A charge the provider executed: <see cref="ChargeId"/> when it took the money, else <see cref="DeclineReason"/>.</summary>
public sealed record ProviderChargeResponse(string? ChargeId, string? DeclineReason, decimal Amount, string Currency, DateTimeOffset At);

public sealed record ProviderRefundResponse(string RefundId, string ChargeId, decimal Amount, string Currency, DateTimeOffset At);
