namespace FlashSale.Payment.Domain;

public enum PaymentStatus
{
    /// <summary>A delivery holds the payment and is calling the provider (until its lease expires).</summary>
    Charging,

    /// <summary>The provider took the money. The outcome is final.</summary>
    Succeeded,

    /// <summary>The provider refused (declined card, insufficient funds). The outcome is final.</summary>
    Failed,

    /// <summary>A delivery holds the payment and is asking the provider to refund it.</summary>
    Refunding,

    /// <summary>The money went back. Final.</summary>
    Refunded,
}
