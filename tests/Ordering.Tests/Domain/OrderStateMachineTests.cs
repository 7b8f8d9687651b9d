using FlashSale.Ordering.Domain;

namespace FlashSale.Ordering.Tests.Domain;

public sealed class OrderStateMachineTests
{
    /// <summary>Every (from, to) pair of statuses, and whether the lifecycle allows it.</summary>
    public static TheoryData<OrderStatus, OrderStatus, bool> Transitions => new()
    {
        { OrderStatus.AwaitingPayment, OrderStatus.AwaitingPayment, false },
        { OrderStatus.AwaitingPayment, OrderStatus.Confirmed, true },
        { OrderStatus.AwaitingPayment, OrderStatus.Cancelled, true },
        { OrderStatus.Confirmed, OrderStatus.AwaitingPayment, false },
        { OrderStatus.Confirmed, OrderStatus.Confirmed, false },
        { OrderStatus.Confirmed, OrderStatus.Cancelled, false },
        { OrderStatus.Cancelled, OrderStatus.AwaitingPayment, false },
        { OrderStatus.Cancelled, OrderStatus.Confirmed, false },
        { OrderStatus.Cancelled, OrderStatus.Cancelled, false },
    };

    [Fact]
    public void The_table_covers_every_pair_of_statuses()
    {
        var statuses = Enum.GetValues<OrderStatus>();
        Assert.Equal(statuses.Length * statuses.Length, Transitions.Count);
    }

    [Theory]
    [MemberData(nameof(Transitions))]
    public void Only_an_unpaid_order_moves_and_only_to_confirmed_or_cancelled(OrderStatus from, OrderStatus to, bool allowed)
    {
        Assert.Equal(allowed, OrderStateMachine.CanTransition(from, to));
    }

    [Theory]
    [MemberData(nameof(Transitions))]
    public void The_order_enforces_the_table(OrderStatus from, OrderStatus to, bool allowed)
    {
        var order = Orders.InStatus(from);

        Func<Order>? move = to switch
        {
            OrderStatus.Confirmed => () => order.Confirm("pay-2", Orders.Later),
            OrderStatus.Cancelled => () => order.Cancel("because", Orders.Later),
            _ => null, // nothing leads back to AwaitingPayment: there is no method to call
        };

        if (move is null)
        {
            Assert.False(allowed);
        }
        else if (allowed)
        {
            var moved = move();
            Assert.Equal(to, moved.Status);
            Assert.Equal(order.Version + 1, moved.Version);
            Assert.Equal(Orders.Later, moved.UpdatedAt);
        }
        else
        {
            var refused = Assert.Throws<InvalidOrderTransitionException>(move);
            Assert.Equal((from, to), (refused.From, refused.To));
        }
    }
}
