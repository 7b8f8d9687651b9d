namespace FlashSale.Payment.Domain;

/// <summary>What a delivery of <c>OrderPlaced</c> does, given the payment already recorded for the order.</summary>
public enum ChargeStep
{
    /// <summary>Nothing recorded: insert the payment, then charge.</summary>
    Start,

    /// <summary>A charge is in flight but its lease ran out: take it over and charge with the same idempotency key.</summary>
    TakeOver,

    /// <summary>Another delivery is charging right now: let Dapr redeliver later.</summary>
    WaitForInFlight,

    /// <summary>Already charged or declined: publish the recorded outcome again (consumers are idempotent).</summary>
    RepublishOutcome,

    /// <summary>Refunded or being refunded: the order is long past its payment; announcing it again would only confuse.</summary>
    Acknowledge,
}

/// <summary>What a delivery of <c>RefundRequested</c> does, given the payment recorded for the order.</summary>
public enum RefundStep
{
    Start,
    TakeOver,
    WaitForInFlight,
    RepublishOutcome,

    /// <summary>The request can never succeed (no such payment, nothing taken): dead-letter it for a human.</summary>
    Refuse,
}

public sealed record RefundDecision(RefundStep Step, string? RefusalReason = null);

/// <summary>The idempotency rules of the payment service, as pure functions of the recorded payment.</summary>
public static class PaymentRules
{
    public static ChargeStep NextChargeStep(PaymentRecord? recorded, DateTimeOffset now) => recorded switch
    {
        null => ChargeStep.Start,
        { Status: PaymentStatus.Charging } when recorded.IsInFlight(now) => ChargeStep.WaitForInFlight,
        { Status: PaymentStatus.Charging } => ChargeStep.TakeOver,
        { Status: PaymentStatus.Succeeded or PaymentStatus.Failed } => ChargeStep.RepublishOutcome,
        _ => ChargeStep.Acknowledge,
    };

    /// <summary>
    /// A refund gives back the whole payment; a request naming another payment or another amount is refused rather
    /// than guessed at, because money must never move on a misunderstanding.
    /// </summary>
    public static RefundDecision NextRefundStep(
        PaymentRecord? recorded, string paymentId, decimal amount, string currency, DateTimeOffset now) => recorded switch
    {
        null => new(RefundStep.Refuse, "no payment is recorded for the order"),
        { Status: PaymentStatus.Charging } => new(RefundStep.WaitForInFlight),
        { Status: PaymentStatus.Failed } => new(RefundStep.Refuse, "the payment failed, so there is nothing to refund"),
        _ when recorded.PaymentId != paymentId =>
            new(RefundStep.Refuse, $"the order was paid by {recorded.PaymentId}, not {paymentId}"),
        _ when recorded.Amount != amount || recorded.Currency != currency =>
            new(RefundStep.Refuse, $"a refund of {amount} {currency} does not match the payment of {recorded.Amount} {recorded.Currency}"),
        { Status: PaymentStatus.Succeeded } => new(RefundStep.Start),
        { Status: PaymentStatus.Refunding } when recorded.IsInFlight(now) => new(RefundStep.WaitForInFlight),
        { Status: PaymentStatus.Refunding } => new(RefundStep.TakeOver),
        _ => new(RefundStep.RepublishOutcome),
    };
}
