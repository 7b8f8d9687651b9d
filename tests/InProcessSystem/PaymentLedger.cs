namespace FlashSale.InProcessSystem;

// payment's admin view as a client reads it (statuses as the strings on the wire); deliberately not payment's own types.

/// <summary>payment's admin view of an order's payment with the provider's ledger (<c>GET /api/payments/{orderId}</c>).</summary>
public sealed record PaymentView(
    string OrderId, string Status, string? PaymentId, decimal Amount, string Currency, int ChargeAttempts, int RefundAttempts,
    IReadOnlyList<ProviderCharge> Charges, IReadOnlyList<ProviderRefund> Refunds);

/// <summary>A charge the provider executed; <see cref="Outcome"/> is its charge id, or the decline reason.</summary>
public sealed record ProviderCharge(string? ChargeId, string? DeclineReason, decimal Amount, string Currency)
{
    public string Outcome => ChargeId ?? DeclineReason!;
}

public sealed record ProviderRefund(string RefundId, string ChargeId, decimal Amount, string Currency);

/// <summary>What the provider executed for one order: replays add nothing, so one charge means charged once.</summary>
public sealed record PaymentLedger(IReadOnlyList<ProviderCharge> Charges, IReadOnlyList<ProviderRefund> Refunds);
