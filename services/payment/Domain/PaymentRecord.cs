namespace FlashSale.Payment.Domain;

/// <summary>
/// One order's payment (payments-store, key = order id). It is inserted (first write wins) before the provider is
/// called, so exactly one delivery of an <c>OrderPlaced</c> charges; the others find it and re-announce its outcome.
/// While a step is in flight (<see cref="PaymentStatus.Charging"/>, <see cref="PaymentStatus.Refunding"/>) the
/// delivery doing it holds a lease; a redelivery may take over only once the lease has run out.
/// </summary>
public sealed record PaymentRecord(
    string OrderId,
    string CustomerId,
    decimal Amount,
    string Currency,
    PaymentStatus Status,
    string? PaymentId,
    string? FailureReason,
    string? RefundId,
    int ChargeAttempts,
    int RefundAttempts,
    DateTimeOffset? LeaseExpiresAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? ChargedAt,
    DateTimeOffset? RefundedAt)
{
    public static PaymentRecord StartCharge(
        string orderId, string customerId, decimal amount, string currency, DateTimeOffset now, TimeSpan lease) =>
        new(orderId, customerId, amount, currency, PaymentStatus.Charging, PaymentId: null, FailureReason: null, RefundId: null,
            ChargeAttempts: 1, RefundAttempts: 0, LeaseExpiresAt: now + lease, CreatedAt: now, ChargedAt: null, RefundedAt: null);

    public bool IsInFlight(DateTimeOffset now) =>
        Status is PaymentStatus.Charging or PaymentStatus.Refunding && LeaseExpiresAt > now;

    /// <summary>Takes over the in-flight step of a delivery whose lease ran out (it crashed or hung).</summary>
    public PaymentRecord TakeOver(DateTimeOffset now, TimeSpan lease) => Status switch
    {
        PaymentStatus.Charging => this with { ChargeAttempts = ChargeAttempts + 1, LeaseExpiresAt = now + lease },
        PaymentStatus.Refunding => this with { RefundAttempts = RefundAttempts + 1, LeaseExpiresAt = now + lease },
        _ => throw new InvalidOperationException($"a {Status} payment has no step in flight to take over"),
    };

    /// <summary>True while nobody took over since <paramref name="held"/> was written: the holder may still complete it.</summary>
    public bool IsStillHeld(PaymentRecord held) =>
        Status == held.Status && ChargeAttempts == held.ChargeAttempts && RefundAttempts == held.RefundAttempts;

    public PaymentRecord Charged(ChargeResult result, DateTimeOffset now)
    {
        EnsureStatus(PaymentStatus.Charging);
        return result.ChargeId is { } chargeId
            ? this with { Status = PaymentStatus.Succeeded, PaymentId = chargeId, LeaseExpiresAt = null, ChargedAt = now }
            : this with { Status = PaymentStatus.Failed, FailureReason = result.DeclineReason, LeaseExpiresAt = null, ChargedAt = now };
    }

    public PaymentRecord StartRefund(DateTimeOffset now, TimeSpan lease)
    {
        EnsureStatus(PaymentStatus.Succeeded);
        return this with { Status = PaymentStatus.Refunding, RefundAttempts = RefundAttempts + 1, LeaseExpiresAt = now + lease };
    }

    public PaymentRecord Refunded(RefundResult result, DateTimeOffset now)
    {
        EnsureStatus(PaymentStatus.Refunding);
        return this with { Status = PaymentStatus.Refunded, RefundId = result.RefundId, LeaseExpiresAt = null, RefundedAt = now };
    }

    private void EnsureStatus(PaymentStatus expected)
    {
        if (Status != expected)
        {
            throw new InvalidOperationException($"payment of order {OrderId} is {Status}, not {expected}");
        }
    }
}
