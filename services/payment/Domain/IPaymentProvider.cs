namespace FlashSale.Payment.Domain;

/// <summary>
/// The payment provider. Every call carries an idempotency key (the order id): repeating a call with the same key
/// returns the first call's result and moves no money again, which is what makes taking over a crashed charge safe.
/// </summary>
public interface IPaymentProvider
{
    Task<ChargeResult> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken);

    Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken);
}

public sealed record ChargeRequest(string IdempotencyKey, string CustomerId, decimal Amount, string Currency);

/// <summary>Either <see cref="ChargeId"/> (approved) or <see cref="DeclineReason"/> (refused).</summary>
public sealed record ChargeResult(string? ChargeId, string? DeclineReason)
{
    public static ChargeResult Approved(string chargeId) => new(chargeId, null);

    public static ChargeResult Declined(string reason) => new(null, reason);
}

public sealed record RefundRequest(string IdempotencyKey, string ChargeId, decimal Amount, string Currency);

public sealed record RefundResult(string RefundId);
