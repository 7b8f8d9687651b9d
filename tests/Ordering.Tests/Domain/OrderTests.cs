using FlashSale.Ordering.Domain;

namespace FlashSale.Ordering.Tests.Domain;

internal static class Orders
{
    public static readonly DateTimeOffset PlacedAt = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Later = PlacedAt.AddMinutes(3);

    public static Order Placed() =>
        Order.Place("order-1", "customer-1", [new OrderLine("A", 2, 12.5m), new OrderLine("B", 1, 0.99m)], "EUR", PlacedAt);

    public static Order InStatus(OrderStatus status) => status switch
    {
        OrderStatus.AwaitingPayment => Placed(),
        OrderStatus.Confirmed => Placed().Confirm("pay-1", PlacedAt),
        OrderStatus.Cancelled => Placed().Cancel("payment failed", PlacedAt),
        _ => throw new ArgumentOutOfRangeException(nameof(status)),
    };
}

public sealed class OrderTests
{
    [Fact]
    public void A_placed_order_awaits_payment_at_version_1_with_its_total()
    {
        var order = Orders.Placed();

        Assert.Equal(OrderStatus.AwaitingPayment, order.Status);
        Assert.Equal(1, order.Version);
        Assert.Equal(25.99m, order.Total);
        Assert.Equal(Orders.PlacedAt, order.UpdatedAt);
    }

    public static TheoryData<OrderLine[]> InvalidLines => new()
    {
        Array.Empty<OrderLine>(),
        new[] { new OrderLine("A", 0, 1m) },
        new[] { new OrderLine("A", OrderRules.MaxQuantityPerLine + 1, 1m) },
        new[] { new OrderLine("A", 1, -1m) },
        new[] { new OrderLine("A", 1, 1m), new OrderLine("A", 2, 1m) },
        Enumerable.Range(0, OrderRules.MaxLines + 1).Select(i => new OrderLine($"S{i}", 1, 1m)).ToArray(),
    };

    [Theory]
    [MemberData(nameof(InvalidLines))]
    public void An_order_outside_the_rules_cannot_be_placed(OrderLine[] lines)
    {
        Assert.Throws<ArgumentException>(() => Order.Place("o", "c", lines, "EUR", Orders.PlacedAt));
    }

    public static TheoryData<OrderStatus, string, OrderDecision> PaymentSucceededDecisions => new()
    {
        { OrderStatus.AwaitingPayment, "pay-1", OrderDecision.Confirm },
        { OrderStatus.Confirmed, "pay-1", OrderDecision.NoChange },
        { OrderStatus.Confirmed, "pay-other", OrderDecision.RequestRefund },
        { OrderStatus.Cancelled, "pay-1", OrderDecision.RequestRefund },
    };

    [Theory]
    [MemberData(nameof(PaymentSucceededDecisions))]
    public void A_successful_payment_confirms_an_unpaid_order_and_is_refunded_when_the_order_cannot_keep_it(
        OrderStatus status, string paymentId, OrderDecision expected)
    {
        Assert.Equal(expected, Orders.InStatus(status).OnPaymentSucceeded(paymentId));
    }

    [Theory]
    [InlineData(OrderStatus.AwaitingPayment, OrderDecision.Cancel)]
    [InlineData(OrderStatus.Confirmed, OrderDecision.NoChange)]
    [InlineData(OrderStatus.Cancelled, OrderDecision.NoChange)]
    public void A_failed_payment_cancels_only_an_unpaid_order(OrderStatus status, OrderDecision expected)
    {
        Assert.Equal(expected, Orders.InStatus(status).OnPaymentFailed());
    }

    [Theory]
    [InlineData(OrderStatus.AwaitingPayment, OrderDecision.Cancel)]
    [InlineData(OrderStatus.Confirmed, OrderDecision.NoChange)]
    [InlineData(OrderStatus.Cancelled, OrderDecision.NoChange)]
    public void An_expired_reservation_cancels_only_an_unpaid_order(OrderStatus status, OrderDecision expected)
    {
        Assert.Equal(expected, Orders.InStatus(status).OnReservationExpired());
    }

    [Fact]
    public void A_refund_is_requested_once_per_payment()
    {
        var cancelled = Orders.InStatus(OrderStatus.Cancelled);

        var refunding = cancelled.RequestRefund("pay-9", 25.99m, "EUR", Orders.Later);

        Assert.Equal(OrderStatus.Cancelled, refunding.Status);
        Assert.Equal(cancelled.Version + 1, refunding.Version);
        Assert.Equal(new RefundRequest("pay-9", 25.99m, "EUR", Orders.Later), Assert.Single(refunding.Refunds));
        Assert.Equal(OrderDecision.NoChange, refunding.OnPaymentSucceeded("pay-9"));
        Assert.Throws<InvalidOperationException>(() => refunding.RequestRefund("pay-9", 25.99m, "EUR", Orders.Later));
    }

    [Fact]
    public void The_payment_that_confirmed_an_order_is_not_refunded()
    {
        Assert.Throws<InvalidOperationException>(() =>
            Orders.InStatus(OrderStatus.Confirmed).RequestRefund("pay-1", 25.99m, "EUR", Orders.Later));
    }
}
