namespace FlashSale.Ordering.Domain;

public enum OrderStatus
{
    /// <summary>Stock is reserved; the saga waits for the payment outcome (or the reservation to expire).</summary>
    AwaitingPayment,

    /// <summary>Paid; the reservations are committed. Final.</summary>
    Confirmed,

    /// <summary>Given up (payment failed, reservation expired, or the customer cancelled); stock is released. Final.</summary>
    Cancelled,
}

/// <summary>The order's lifecycle: the only moves are out of <see cref="OrderStatus.AwaitingPayment"/>.</summary>
public static class OrderStateMachine
{
    public static bool CanTransition(OrderStatus from, OrderStatus to) =>
        (from, to) is (OrderStatus.AwaitingPayment, OrderStatus.Confirmed) or (OrderStatus.AwaitingPayment, OrderStatus.Cancelled);

    public static void EnsureCanTransition(OrderStatus from, OrderStatus to)
    {
        if (!CanTransition(from, to))
        {
            throw new InvalidOrderTransitionException(from, to);
        }
    }
}

public sealed class InvalidOrderTransitionException(OrderStatus from, OrderStatus to)
    : InvalidOperationException($"An order cannot go from {from} to {to}")
{
    public OrderStatus From { get; } = from;

    public OrderStatus To { get; } = to;
}
