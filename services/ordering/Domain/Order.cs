namespace FlashSale.Ordering.Domain;

/// <summary>A line as priced when the order was placed; <see cref="Limit"/> is the sale's per-customer limit then, if any.</summary>
public sealed record OrderLine(string Sku, int Quantity, decimal UnitPrice, SaleLimit? Limit = null)
{
    public decimal LineTotal() => Quantity * UnitPrice;
}

/// <summary>The most units of a SKU one customer may hold in the sale <see cref="SaleKey"/> (reserved or bought).</summary>
public sealed record SaleLimit(string SaleKey, int UnitsPerCustomer);

/// <summary>A refund the order asked for because money arrived that the order cannot keep.</summary>
public sealed record RefundRequest(string PaymentId, decimal Amount, string Currency, DateTimeOffset RequestedAt);

/// <summary>What the saga should do with an order when an event about it arrives.</summary>
public enum OrderDecision
{
    /// <summary>A duplicate or a late event: the order already reflects it, or it no longer matters.</summary>
    NoChange,
    Confirm,
    Cancel,

    /// <summary>A payment the order cannot keep (it was cancelled, or is already paid by another payment).</summary>
    RequestRefund,
}

/// <summary>
/// The order aggregate. Immutable: every change returns a new order with <see cref="Version"/> + 1, the version the
/// event announcing the change carries. Setters and constructor are private, so only <see cref="Place"/> and the
/// transitions below make or change an order; the state store rebuilds it through them when reading it back.
/// </summary>
public sealed record Order
{
    private Order()
    {
    }

    public string Id { get; private init; } = "";

    public string CustomerId { get; private init; } = "";

    public OrderStatus Status { get; private init; }

    public IReadOnlyList<OrderLine> Lines { get; private init; } = [];

    public decimal Total { get; private init; }

    public string Currency { get; private init; } = "";

    public DateTimeOffset PlacedAt { get; private init; }

    public DateTimeOffset UpdatedAt { get; private init; }

    public long Version { get; private init; }

    /// <summary>The payment that confirmed the order.</summary>
    public string? PaymentId { get; private init; }

    public string? CancellationReason { get; private init; }

    public IReadOnlyList<RefundRequest> Refunds { get; private init; } = [];

    public static Order Place(string id, string customerId, IReadOnlyList<OrderLine> lines, string currency, DateTimeOffset placedAt)
    {
        if (lines.Count is 0 or > OrderRules.MaxLines)
        {
            throw new ArgumentException($"An order has 1 to {OrderRules.MaxLines} lines", nameof(lines));
        }

        if (lines.Select(line => line.Sku).Distinct(StringComparer.Ordinal).Count() != lines.Count)
        {
            throw new ArgumentException("An order has one line per SKU", nameof(lines));
        }

        if (lines.Any(line => line.Quantity is < OrderRules.MinQuantity or > OrderRules.MaxQuantityPerLine || line.UnitPrice < 0))
        {
            throw new ArgumentException(
                $"A line has {OrderRules.MinQuantity} to {OrderRules.MaxQuantityPerLine} units at a price of zero or more", nameof(lines));
        }

        return new Order
        {
            Id = id,
            CustomerId = customerId,
            Status = OrderStatus.AwaitingPayment,
            Lines = lines,
            Total = lines.Sum(line => line.LineTotal()),
            Currency = currency,
            PlacedAt = placedAt,
            UpdatedAt = placedAt,
            Version = 1,
        };
    }

    public bool IsOwnedBy(string customerId) => string.Equals(CustomerId, customerId, StringComparison.Ordinal);

    public Order Confirm(string paymentId, DateTimeOffset at) => MoveTo(OrderStatus.Confirmed, at) with { PaymentId = paymentId };

    public Order Cancel(string reason, DateTimeOffset at) => MoveTo(OrderStatus.Cancelled, at) with { CancellationReason = reason };

    public Order RequestRefund(string paymentId, decimal amount, string currency, DateTimeOffset at)
    {
        if (OnPaymentSucceeded(paymentId) != OrderDecision.RequestRefund)
        {
            throw new InvalidOperationException($"Order {Id} ({Status}) keeps payment {paymentId} or has already asked to refund it");
        }

        return this with { Refunds = [.. Refunds, new RefundRequest(paymentId, amount, currency, at)], Version = Version + 1, UpdatedAt = at };
    }

    public OrderDecision OnPaymentSucceeded(string paymentId) => Status switch
    {
        OrderStatus.AwaitingPayment => OrderDecision.Confirm,
        OrderStatus.Confirmed when PaymentId == paymentId => OrderDecision.NoChange,
        _ when Refunds.Any(refund => refund.PaymentId == paymentId) => OrderDecision.NoChange,
        // Cancelled, or a second payment for a paid order: the money must go back, once per payment.
        _ => OrderDecision.RequestRefund,
    };

    /// <summary>A failure after the order was confirmed is a late retry of the payment service, not news.</summary>
    public OrderDecision OnPaymentFailed() => Status == OrderStatus.AwaitingPayment ? OrderDecision.Cancel : OrderDecision.NoChange;

    /// <summary>Without its stock an unpaid order cannot be fulfilled; a paid or cancelled one is past caring.</summary>
    public OrderDecision OnReservationExpired() => Status == OrderStatus.AwaitingPayment ? OrderDecision.Cancel : OrderDecision.NoChange;

    private Order MoveTo(OrderStatus status, DateTimeOffset at)
    {
        OrderStateMachine.EnsureCanTransition(Status, status);
        return this with { Status = status, Version = Version + 1, UpdatedAt = at };
    }
}
