namespace FlashSale.Payment.Domain;

/// <summary>
/// The payment provider. Every call carries an idempotency key (the order id): repeating a call with the same key
/// returns the first call's result, marked as a replay, and moves no money again, whichever payment replica asks. That
/// is what makes taking over a crashed charge safe.
/// </summary>
public interface IPaymentProvider
{
    Task<ChargeResult> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken);

    Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken);

    /// <summary>What the provider recorded under <paramref name="idempotencyKey"/> (a real provider's charge search).</summary>
    Task<ProviderLedger> LedgerAsync(string idempotencyKey, CancellationToken cancellationToken);
}

public sealed record ChargeRequest(string IdempotencyKey, string CustomerId, decimal Amount, string Currency);

/// <summary>
/// Either <see cref="ChargeId"/> (approved) or <see cref="DeclineReason"/> (refused). <see cref="Replayed"/>: the key
/// was charged before and this is that charge's result again, no money moved now.
/// </summary>
public sealed record ChargeResult(string? ChargeId, string? DeclineReason, bool Replayed = false)
{
    public static ChargeResult Approved(string chargeId) => new(chargeId, null);

    public static ChargeResult Declined(string reason) => new(null, reason);
}

/// <summary>A refund of the charge made under the same idempotency key.</summary>
public sealed record RefundRequest(string IdempotencyKey, string ChargeId, decimal Amount, string Currency);

/// <summary><see cref="Replayed"/>: the charge was refunded before; this is that refund again, no money moved now.</summary>
public sealed record RefundResult(string RefundId, bool Replayed = false);

/// <summary>
/// The provider's record of one idempotency key: the charge it executed (approved or declined) and the refund, each
/// at most once. Replays leave no entry, so one entry is one movement of money (or one decline).
/// </summary>
public sealed record ProviderLedger(IReadOnlyList<ProviderCharge> Charges, IReadOnlyList<ProviderRefund> Refunds);

/// <summary>A charge as the provider executed it: <see cref="ChargeId"/> when approved, else <see cref="DeclineReason"/>.</summary>
public sealed record ProviderCharge(
    string IdempotencyKey, string CustomerId, decimal Amount, string Currency, string? ChargeId, string? DeclineReason, DateTimeOffset At);

public sealed record ProviderRefund(
    string IdempotencyKey, string ChargeId, string RefundId, decimal Amount, string Currency, DateTimeOffset At);
