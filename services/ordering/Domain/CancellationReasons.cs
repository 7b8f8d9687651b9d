namespace FlashSale.Ordering.Domain;

/// <summary>
/// Why orders are cancelled: the text the events and views carry, and the short code a metric counts by (the text of
/// a failed payment carries the provider's reason, too many values for a metric attribute).
/// </summary>
public static class CancellationReasons
{
    public const string ByCustomer = "cancelled by the customer";
    public const string ByAdministrator = "cancelled by an administrator";
    public const string ReservationExpired = "reservation expired";
    public const string Unfulfillable = "sold out before the payment arrived";
    private const string PaymentFailedPrefix = "payment failed: ";

    public static string PaymentFailed(string providerReason) => PaymentFailedPrefix + providerReason;

    public static string CodeOf(string reason) => reason switch
    {
        ByCustomer => "customer",
        ByAdministrator => "administrator",
        ReservationExpired => "reservation_expired",
        Unfulfillable => "unfulfillable",
        _ when reason.StartsWith(PaymentFailedPrefix, StringComparison.Ordinal) => "payment_failed",
        _ => "other",
    };
}
