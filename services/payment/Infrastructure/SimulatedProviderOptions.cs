using System.ComponentModel.DataAnnotations;

namespace FlashSale.Payment.Infrastructure;

/// <summary>How the simulated provider behaves (<c>Payment:Provider:*</c>), for demos and tests.</summary>
public sealed class SimulatedProviderOptions
{
    public const string Section = "Payment:Provider";

    /// <summary>The time every provider call takes.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan Latency { get; set; } = TimeSpan.FromMilliseconds(50);

    /// <summary>The share of charges declined with "insufficient funds", from 0 to 1.</summary>
    [Range(0.0, 1.0)]
    public double FailureRate { get; set; }

    /// <summary>
    /// Derive the failure draw from the idempotency key (the order id) instead of a random number, so the same order
    /// always gets the same outcome: reproducible demos and tests.
    /// </summary>
    public bool DeterministicFailures { get; set; }

    /// <summary>Customers whose card is always declined ("card declined").</summary>
    public List<string> DeclinedCustomers { get; set; } = [];
}
