using System.Text.Json;
using FlashSale.OrderQuery.Domain;

namespace FlashSale.OrderQuery.Tests;

public class OrderProjectionTests
{
    private static readonly OrderStory Story = OrderStory.New();

    /// <summary>Applies events in order the way the projector does: a null result leaves the view as it was.</summary>
    private static OrderView? Replay(params Func<OrderView?, OrderView?>[] events) =>
        events.Aggregate((OrderView?)null, (view, apply) => apply(view) ?? view);

    private static Func<OrderView?, OrderView?> Placed => view => OrderProjection.Apply(view, Story.Placed);

    private static Func<OrderView?, OrderView?> Paid => view => OrderProjection.Apply(view, Story.Paid);

    private static Func<OrderView?, OrderView?> Confirmed => view => OrderProjection.Apply(view, Story.Confirmed);

    private static Func<OrderView?, OrderView?> Cancelled => view => OrderProjection.Apply(view, Story.Cancelled);

    private static Func<OrderView?, OrderView?> RefundRequested => view => OrderProjection.Apply(view, Story.RefundRequested);

    private static Func<OrderView?, OrderView?> Refunded => view => OrderProjection.Apply(view, Story.Refunded);

    [Fact]
    public void A_placed_paid_and_confirmed_order_shows_all_it_went_through()
    {
        var view = Replay(Placed, Paid, Confirmed)!;

        Assert.Equal(OrderStatus.Confirmed, view.Status);
        Assert.Equal(2, view.Version);
        Assert.Equal(Story.Total, view.Total);
        Assert.Equal([new OrderLineView(Events.Sku, 2, 19.99m)], view.Lines);
        Assert.Equal((PaymentStatus.Succeeded, OrderStory.PaymentId), (view.Payment.Status, view.Payment.PaymentId));
        Assert.Equal(Story.Confirmed.OccurredAt, view.ConfirmedAt);
        Assert.Equal(new OrderListing(Story.CustomerId, Story.PlacedAt), view.Listing);
    }

    [Fact]
    public void A_confirmation_overtaking_the_placement_keeps_the_status_and_gets_the_lines_later()
    {
        var confirmedFirst = Replay(Confirmed)!;
        Assert.Equal(OrderStatus.Confirmed, confirmedFirst.Status);
        Assert.Null(confirmedFirst.Lines);

        var view = Replay(Confirmed, Placed)!;
        Assert.Equal(OrderStatus.Confirmed, view.Status);
        Assert.Equal(Story.Total, view.Total);
        Assert.NotNull(view.Lines);
        Assert.Equal(Story.PlacedAt, view.Listing!.PlacedAt);
    }

    [Fact]
    public void A_duplicate_changes_nothing()
    {
        var view = Replay(Placed, Paid, Confirmed);

        Assert.Null(OrderProjection.Apply(view, Story.Placed));
        Assert.Null(OrderProjection.Apply(view, Story.Confirmed));
        Assert.Null(OrderProjection.Apply(view, Story.Paid));
    }

    [Fact]
    public void Every_arrival_order_of_a_cancelled_and_refunded_order_ends_in_the_same_view()
    {
        Func<OrderView?, OrderView?>[] events = [Placed, Paid, Cancelled, RefundRequested, Refunded];
        var expected = JsonSerializer.Serialize(Replay(events));

        foreach (var arrival in Permutations(events))
        {
            Assert.Equal(expected, JsonSerializer.Serialize(Replay([.. arrival, .. arrival])));
        }

        var view = Replay(events)!;
        Assert.Equal(OrderStatus.Cancelled, view.Status);
        Assert.Equal(3, view.Version);
        Assert.Equal(PaymentStatus.Refunded, view.Payment.Status);
        Assert.Equal((Story.Paid.OccurredAt, Story.RefundRequested.OccurredAt), (view.Payment.PaidAt, view.RefundRequestedAt));
        Assert.Equal("payment failed", view.CancellationReason);
    }

    [Fact]
    public void Payment_news_for_an_order_not_seen_yet_is_kept_but_not_shown_until_the_order_arrives()
    {
        var paidOnly = Replay(Paid)!;
        Assert.False(paidOnly.IsVisible);
        Assert.Null(paidOnly.Listing);

        var view = Replay(Paid, Placed)!;
        Assert.True(view.IsVisible);
        Assert.Equal((OrderStatus.AwaitingPayment, PaymentStatus.Succeeded), (view.Status, view.Payment.Status));
    }

    [Fact]
    public void A_refund_request_alone_does_not_make_an_order_visible()
    {
        Assert.False(Replay(RefundRequested)!.IsVisible);
    }

    [Fact]
    public void A_failed_payment_is_recorded_with_its_reason()
    {
        var view = Replay(Placed, v => OrderProjection.Apply(v, Story.PaymentDeclined), Cancelled)!;

        Assert.Equal((PaymentStatus.Failed, "card declined"), (view.Payment.Status, view.Payment.FailureReason));
        Assert.Equal(OrderStatus.Cancelled, view.Status);
    }

    [Fact]
    public void An_expired_reservation_is_recorded_once_per_sku()
    {
        var view = Replay(Placed, v => OrderProjection.Apply(v, Story.Expired(Events.Sku, 2)))!;

        Assert.Equal(2, view.ExpiredReservations[Events.Sku]);
        Assert.Null(OrderProjection.Apply(view, Story.Expired(Events.Sku, 2)));
    }

    [Fact]
    public void Every_stored_change_gets_a_new_revision()
    {
        var placed = Replay(Placed)!;
        var paid = OrderProjection.Apply(placed, Story.Paid)!;

        Assert.Equal((1, 2), (placed.Revision, paid.Revision));
    }

    private static IEnumerable<IReadOnlyList<T>> Permutations<T>(IReadOnlyList<T> items) =>
        items.Count <= 1
            ? [items]
            : items.SelectMany((item, i) =>
                Permutations([.. items.Take(i), .. items.Skip(i + 1)]).Select(rest => (IReadOnlyList<T>)[item, .. rest]));
}
