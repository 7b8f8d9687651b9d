namespace FlashSale.OrderQuery.Domain;

public enum OrderStatus
{
    AwaitingPayment,
    Confirmed,
    Cancelled,
}

/// <summary>Where the money is. Declared in order of precedence: a payment never goes back to an earlier stage.</summary>
public enum PaymentStatus
{
    Pending,
    Failed,
    Succeeded,
    Refunded,
}

public sealed record OrderLineView(string Sku, int Quantity, decimal UnitPrice);

public sealed record PaymentView(
    PaymentStatus Status,
    string? PaymentId,
    decimal? Amount,
    string? Currency,
    string? FailureReason,
    DateTimeOffset? PaidAt,
    DateTimeOffset? FailedAt,
    DateTimeOffset? RefundedAt)
{
    public static readonly PaymentView None = new(PaymentStatus.Pending, null, null, null, null, null, null, null);

    public PaymentView Advance(PaymentStatus reached) => this with { Status = reached > Status ? reached : Status };
}

/// <summary>Where a customer's order sits in their list: newest placed first.</summary>
public sealed record OrderListing(string CustomerId, DateTimeOffset PlacedAt);

/// <summary>
/// The read model of one order, assembled from order, payment and inventory events in whatever order they arrive.
/// Each event contributes its own facts; the status is the one of the highest order <see cref="Version"/> seen, so a
/// late event fills in what it knows (e.g. the lines) without turning the status back.
/// </summary>
public sealed record OrderView
{
    public required string OrderId { get; init; }

    public string? CustomerId { get; init; }

    /// <summary>Null until an event that sets the status arrives; until then the order is not shown to anyone.</summary>
    public OrderStatus? Status { get; init; }

    /// <summary>The version of the order event that set <see cref="Status"/>.</summary>
    public long StatusVersion { get; init; }

    /// <summary>Every order event version applied: a version seen twice is a duplicate.</summary>
    public IReadOnlyList<long> AppliedVersions { get; init; } = [];

    /// <summary>Null until <c>OrderPlaced</c> arrives.</summary>
    public IReadOnlyList<OrderLineView>? Lines { get; init; }

    public decimal? Total { get; init; }

    public string? Currency { get; init; }

    public DateTimeOffset? PlacedAt { get; init; }

    public DateTimeOffset? ConfirmedAt { get; init; }

    public DateTimeOffset? CancelledAt { get; init; }

    public string? CancellationReason { get; init; }

    public DateTimeOffset? RefundRequestedAt { get; init; }

    public PaymentView Payment { get; init; } = PaymentView.None;

    /// <summary>Units whose reservation expired, by SKU (inventory released them back to stock).</summary>
    public IReadOnlyDictionary<string, int> ExpiredReservations { get; init; } = new Dictionary<string, int>();

    public required DateTimeOffset FirstEventAt { get; init; }

    public required DateTimeOffset LastEventAt { get; init; }

    /// <summary>Grows by one with every stored change; stamps what this order wrote into shared views.</summary>
    public long Revision { get; init; }

    public long Version => AppliedVersions.Count == 0 ? 0 : AppliedVersions.Max();

    public bool IsVisible => Status is not null && CustomerId is not null;

    /// <summary>The entry in the customer's list; before <c>OrderPlaced</c> arrives the first event's time stands in.</summary>
    public OrderListing? Listing => IsVisible ? new OrderListing(CustomerId!, PlacedAt ?? FirstEventAt) : null;
}
