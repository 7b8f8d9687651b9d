using System.Diagnostics.Metrics;
using FlashSale.Payment.Domain;

namespace FlashSale.Payment.Infrastructure;

/// <summary>Charges and refunds as they are recorded, by outcome (services/metrics.json), once per payment step.</summary>
public sealed class PaymentMetrics
{
    public const string MeterName = "FlashSale.Payment";

    private readonly Counter<long> _charges;
    private readonly Counter<long> _refunds;

    public PaymentMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _charges = meter.CreateCounter<long>("flashsale.payment.charges", "{charge}", "Charges recorded, by outcome (succeeded, failed)");
        _refunds = meter.CreateCounter<long>("flashsale.payment.refunds", "{refund}", "Refunds, by outcome (succeeded, refused)");
    }

    /// <summary>A charge or refund step whose result was just recorded.</summary>
    public void Recorded(PaymentStatus status)
    {
        switch (status)
        {
            case PaymentStatus.Succeeded:
                _charges.Add(1, Outcome("succeeded"));
                break;
            case PaymentStatus.Failed:
                _charges.Add(1, Outcome("failed"));
                break;
            case PaymentStatus.Refunded:
                _refunds.Add(1, Outcome("succeeded"));
                break;
        }
    }

    public void RefundRefused() => _refunds.Add(1, Outcome("refused"));

    private static KeyValuePair<string, object?> Outcome(string outcome) => new("flashsale.payment.outcome", outcome);
}
