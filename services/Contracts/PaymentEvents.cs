namespace FlashSale.Contracts.Payments;

[CloudEventType("flashsale.payment.succeeded.v1", Topics.Payments)]
public sealed record PaymentSucceeded(string OrderId, string PaymentId, decimal Amount, string Currency, DateTimeOffset OccurredAt)
    : IIntegrationEvent
{
    public string PartitionKey => OrderId;
}

[CloudEventType("flashsale.payment.failed.v1", Topics.Payments)]
public sealed record PaymentFailed(string OrderId, string Reason, DateTimeOffset OccurredAt) : IIntegrationEvent
{
    public string PartitionKey => OrderId;
}

[CloudEventType("flashsale.payment.refunded.v1", Topics.Payments)]
public sealed record PaymentRefunded(string OrderId, string PaymentId, decimal Amount, string Currency, DateTimeOffset OccurredAt)
    : IIntegrationEvent
{
    public string PartitionKey => OrderId;
}
