using System.Diagnostics;
using FlashSale.Contracts.Orders;
using FlashSale.Contracts.Payments;
using FlashSale.Payment.Domain;
using FlashSale.Payment.Infrastructure;
using FlashSale.Messaging;
using Microsoft.Extensions.Options;

namespace FlashSale.Payment.Application;

/// <summary>
/// Charges placed orders and refunds on request, exactly once per order however often Dapr delivers the event:
/// the payment record is written before the provider is called, and a redelivery re-announces the recorded outcome.
/// </summary>
public sealed partial class PaymentProcessor(
    PaymentStore store,
    IPaymentProvider provider,
    IEventPublisher events,
    TimeProvider time,
    IOptions<PaymentOptions> options,
    PaymentMetrics metrics,
    ILogger<PaymentProcessor> logger) : IEventHandler<OrderPlaced>, IEventHandler<RefundRequested>
{
    private TimeSpan Lease => options.Value.InFlightLease;

    public async Task<EventOutcome> HandleAsync(OrderPlaced order, EventContext context, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var stored = await store.ReadAsync(order.OrderId, cancellationToken);
        return PaymentRules.NextChargeStep(stored.Record, now) switch
        {
            ChargeStep.Start => await HoldThenAsync(
                PaymentRecord.StartCharge(order.OrderId, order.CustomerId, order.Total, order.Currency, now, Lease),
                etag: null, ChargeAsync, cancellationToken),
            ChargeStep.TakeOver => await HoldThenAsync(TakeOver(stored.Record!, now), stored.ETag, ChargeAsync, cancellationToken),
            ChargeStep.WaitForInFlight => Busy(order.OrderId, "a charge is in flight"),
            ChargeStep.RepublishOutcome => await RepublishAsync(stored.Record!, cancellationToken),
            ChargeStep.Acknowledge => EventOutcome.Success,
            _ => throw new UnreachableException(),
        };
    }

    public async Task<EventOutcome> HandleAsync(RefundRequested request, EventContext context, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var stored = await store.ReadAsync(request.OrderId, cancellationToken);
        var decision = PaymentRules.NextRefundStep(stored.Record, request.PaymentId, request.Amount, request.Currency, now);
        return decision.Step switch
        {
            RefundStep.Start => await HoldThenAsync(stored.Record!.StartRefund(now, Lease), stored.ETag, RefundAsync, cancellationToken),
            RefundStep.TakeOver => await HoldThenAsync(TakeOver(stored.Record!, now), stored.ETag, RefundAsync, cancellationToken),
            RefundStep.WaitForInFlight => Busy(request.OrderId, "a charge or refund is in flight"),
            RefundStep.RepublishOutcome => await RepublishAsync(stored.Record!, cancellationToken),
            RefundStep.Refuse => Refuse(request.OrderId, decision.RefusalReason!),
            _ => throw new UnreachableException(),
        };
    }

    /// <summary>
    /// Writes <paramref name="held"/> (an insert when there is no <paramref name="etag"/>) and, only if that write wins,
    /// performs the step: of concurrent deliveries exactly one gets to call the provider.
    /// </summary>
    private async Task<EventOutcome> HoldThenAsync(
        PaymentRecord held, string? etag, Func<PaymentRecord, CancellationToken, Task<EventOutcome>> step, CancellationToken cancellationToken)
    {
        var holding = etag is null
            ? await store.TryInsertAsync(held, cancellationToken)
            : await store.TryReplaceAsync(held, etag, cancellationToken);
        return holding ? await step(held, cancellationToken) : Busy(held.OrderId, "another delivery has just taken it");
    }

    private PaymentRecord TakeOver(PaymentRecord recorded, DateTimeOffset now)
    {
        LogTakingOver(recorded.OrderId, recorded.Status);
        return recorded.TakeOver(now, Lease);
    }

    private async Task<EventOutcome> ChargeAsync(PaymentRecord held, CancellationToken cancellationToken)
    {
        // The order id is the idempotency key: if a crashed delivery's charge went through, the provider returns it.
        var result = await provider.ChargeAsync(
            new ChargeRequest(held.OrderId, held.CustomerId, held.Amount, held.Currency), cancellationToken);
        return await CompleteAsync(held, current => current.Charged(result, time.GetUtcNow()), cancellationToken);
    }

    private async Task<EventOutcome> RefundAsync(PaymentRecord held, CancellationToken cancellationToken)
    {
        var result = await provider.RefundAsync(
            new RefundRequest(held.OrderId, held.PaymentId!, held.Amount, held.Currency), cancellationToken);
        return await CompleteAsync(held, current => current.Refunded(result, time.GetUtcNow()), cancellationToken);
    }

    /// <summary>Records the provider's answer, unless another delivery took the step over meanwhile, then announces it.</summary>
    private async Task<EventOutcome> CompleteAsync(PaymentRecord held, Func<PaymentRecord, PaymentRecord> complete, CancellationToken cancellationToken)
    {
        var stored = await store.ReadAsync(held.OrderId, cancellationToken);
        if (stored.Record is not { } current || !current.IsStillHeld(held))
        {
            return Busy(held.OrderId, "another delivery took the step over");
        }

        var completed = complete(current);
        if (!await store.TryReplaceAsync(completed, stored.ETag, cancellationToken))
        {
            return Busy(held.OrderId, "another delivery took the step over");
        }

        LogCompleted(completed.OrderId, completed.Status, completed.FailureReason ?? "none");
        metrics.Recorded(completed.Status);
        // If publishing fails, Dapr redelivers and the redelivery publishes the recorded outcome.
        await PublishOutcomeAsync(completed, cancellationToken);
        return EventOutcome.Success;
    }

    private Task PublishOutcomeAsync(PaymentRecord payment, CancellationToken cancellationToken) => payment.Status switch
    {
        PaymentStatus.Succeeded => events.PublishAsync(
            new PaymentSucceeded(payment.OrderId, payment.PaymentId!, payment.Amount, payment.Currency, payment.ChargedAt!.Value),
            cancellationToken),
        PaymentStatus.Failed => events.PublishAsync(
            new PaymentFailed(payment.OrderId, payment.FailureReason!, payment.ChargedAt!.Value), cancellationToken),
        PaymentStatus.Refunded => events.PublishAsync(
            new PaymentRefunded(payment.OrderId, payment.PaymentId!, payment.Amount, payment.Currency, payment.RefundedAt!.Value),
            cancellationToken),
        _ => throw new InvalidOperationException($"a {payment.Status} payment has no outcome to announce"),
    };

    private async Task<EventOutcome> RepublishAsync(PaymentRecord payment, CancellationToken cancellationToken)
    {
        await PublishOutcomeAsync(payment, cancellationToken);
        return EventOutcome.Success;
    }

    private EventOutcome Refuse(string orderId, string reason)
    {
        LogRefusedRefund(orderId, reason);
        metrics.RefundRefused();
        return EventOutcome.Drop;
    }

    private EventOutcome Busy(string orderId, string reason)
    {
        LogBusy(orderId, reason);
        return EventOutcome.Retry;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Payment of order {OrderId} is busy ({Reason}); asking Dapr to redeliver later")]
    private partial void LogBusy(string orderId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Taking over the {Status} step of order {OrderId}: the previous holder's lease ran out")]
    private partial void LogTakingOver(string orderId, PaymentStatus status);

    [LoggerMessage(Level = LogLevel.Information, Message = "Payment of order {OrderId} is now {Status} (decline reason: {DeclineReason})")]
    private partial void LogCompleted(string orderId, PaymentStatus status, string declineReason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refusing the refund of order {OrderId}: {Reason}")]
    private partial void LogRefusedRefund(string orderId, string reason);
}
