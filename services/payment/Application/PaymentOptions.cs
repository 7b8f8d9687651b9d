using System.ComponentModel.DataAnnotations;

namespace FlashSale.Payment.Application;

public sealed class PaymentOptions
{
    public const string Section = "Payment";

    /// <summary>
    /// How long a delivery may hold a charge or refund in flight before a redelivery may take it over. Longer than a
    /// provider call ever takes; correctness does not depend on it (the provider deduplicates by idempotency key), it
    /// only keeps concurrent duplicates from calling the provider at the same time.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan InFlightLease { get; set; } = TimeSpan.FromSeconds(30);
}
