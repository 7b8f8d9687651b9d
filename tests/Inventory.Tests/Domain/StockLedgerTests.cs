using FlashSale.Inventory.Domain;

namespace FlashSale.Inventory.Tests.Domain;

public sealed class StockLedgerTests
{
    private static StockLedger Stocked(int available)
    {
        var ledger = StockLedger.Empty();
        ledger.SetStock(available);
        return ledger;
    }

    [Fact]
    public void Reserve_holds_units_when_enough_are_available()
    {
        var ledger = Stocked(10);

        Assert.True(ledger.Reserve("order-1", 3));

        Assert.Equal(new StockCounts(7, 3, 0, 2), ledger.Counts);
        Assert.Equal(new Reservation("order-1", 3, ReservationStatus.Reserved), ledger.Find("order-1"));
    }

    [Fact]
    public void Reserve_refuses_more_than_available_and_changes_no_counter()
    {
        var ledger = Stocked(2);

        Assert.False(ledger.Reserve("order-1", 3));

        Assert.Equal(new StockCounts(2, 0, 0, 1), ledger.Counts);
        Assert.Equal(ReservationStatus.Rejected, ledger.Find("order-1")!.Status);
    }

    [Fact]
    public void Reserve_can_take_the_last_unit_but_never_goes_below_zero()
    {
        var ledger = Stocked(2);

        Assert.True(ledger.Reserve("order-1", 2));
        Assert.False(ledger.Reserve("order-2", 1));

        Assert.Equal(0, ledger.Counts.Available);
    }

    [Fact]
    public void Repeated_reserve_returns_the_first_outcome_without_reserving_twice()
    {
        var ledger = Stocked(5);
        Assert.True(ledger.Reserve("order-1", 2));
        var afterFirst = ledger.Counts;

        Assert.True(ledger.Reserve("order-1", 2));

        Assert.Equal(afterFirst, ledger.Counts);
    }

    [Fact]
    public void A_refused_order_stays_refused_even_after_stock_arrives()
    {
        var ledger = Stocked(1);
        Assert.False(ledger.Reserve("order-1", 2));

        ledger.SetStock(10);

        Assert.False(ledger.Reserve("order-1", 2));
        Assert.Equal(10, ledger.Counts.Available);
    }

    [Fact]
    public void Repeating_a_reservation_with_another_quantity_is_a_caller_error()
    {
        var ledger = Stocked(5);
        ledger.Reserve("order-1", 2);

        Assert.Throws<InvalidOperationException>(() => ledger.Reserve("order-1", 3));
        Assert.Equal(2, ledger.Counts.Reserved);
    }

    [Theory]
    [InlineData("order-1", 0)]
    [InlineData("order-1", -1)]
    [InlineData("", 1)]
    [InlineData("order/1", 1)]
    [InlineData("order-1\n", 1)]
    public void Reserve_rejects_invalid_arguments(string orderId, int quantity)
    {
        var ledger = Stocked(5);

        Assert.ThrowsAny<ArgumentException>(() => ledger.Reserve(orderId, quantity));
        Assert.Equal(5, ledger.Counts.Available);
    }

    [Fact]
    public void Commit_turns_reserved_units_into_sold_units_once()
    {
        var ledger = Stocked(5);
        ledger.Reserve("order-1", 2);

        Assert.True(ledger.Commit("order-1"));
        Assert.False(ledger.Commit("order-1"));

        Assert.Equal(new StockCounts(3, 0, 2, 3), ledger.Counts);
        Assert.Equal(ReservationStatus.Committed, ledger.Find("order-1")!.Status);
    }

    [Fact]
    public void Release_returns_reserved_units_once()
    {
        var ledger = Stocked(5);
        ledger.Reserve("order-1", 2);

        Assert.True(ledger.Release("order-1"));
        Assert.False(ledger.Release("order-1"));

        Assert.Equal(new StockCounts(5, 0, 0, 3), ledger.Counts);
    }

    [Fact]
    public void Unknown_and_refused_orders_cannot_be_committed_or_released()
    {
        var ledger = Stocked(1);
        ledger.Reserve("refused", 2);
        var before = ledger.Counts;

        Assert.False(ledger.Commit("unknown"));
        Assert.False(ledger.Release("unknown"));
        Assert.False(ledger.Commit("refused"));
        Assert.False(ledger.Release("refused"));

        Assert.Equal(before, ledger.Counts);
        Assert.Equal(ReservationStatus.Rejected, ledger.Find("refused")!.Status);
    }

    [Fact]
    public void Committing_an_unknown_order_records_nothing()
    {
        var ledger = Stocked(5);

        Assert.False(ledger.Commit("unknown"));

        Assert.Null(ledger.Find("unknown"));
        Assert.True(ledger.Reserve("unknown", 1));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void A_reserve_that_arrives_after_its_release_or_expiry_is_refused_and_holds_nothing(bool expiry)
    {
        var ledger = Stocked(5);

        var moved = expiry ? ledger.Expire("order-1") : ledger.Release("order-1");
        var reserved = ledger.Reserve("order-1", 2);
        ledger.Release("order-1");

        Assert.False(moved);
        Assert.False(reserved);
        Assert.Equal(new StockCounts(5, 0, 0, 1), ledger.Counts);
        Assert.Equal(Reservation.ReleaseMarker("order-1"), ledger.Find("order-1"));
        Assert.True(ledger.Find("order-1")!.IsFinal);
    }

    [Fact]
    public void A_malformed_order_id_gets_no_release_marker()
    {
        var ledger = Stocked(5);

        ledger.Release("a/b");

        Assert.Null(ledger.Find("a/b"));
    }

    [Fact]
    public void A_committed_reservation_is_never_released_or_expired()
    {
        var ledger = Stocked(5);
        ledger.Reserve("order-1", 2);
        ledger.Commit("order-1");
        var sold = ledger.Counts;

        Assert.False(ledger.Release("order-1"));
        Assert.False(ledger.Expire("order-1"));

        Assert.Equal(sold, ledger.Counts);
    }

    [Fact]
    public void A_released_or_expired_reservation_is_never_committed()
    {
        var ledger = Stocked(5);
        ledger.Reserve("released", 1);
        ledger.Reserve("expired", 1);
        ledger.Release("released");
        Assert.True(ledger.Expire("expired"));
        var before = ledger.Counts;

        Assert.False(ledger.Commit("released"));
        Assert.False(ledger.Commit("expired"));

        Assert.Equal(before, ledger.Counts);
        Assert.Equal(new StockCounts(5, 0, 0, 5), before);
        Assert.Equal(ReservationStatus.Expired, ledger.Find("expired")!.Status);
    }

    [Fact]
    public void SetStock_sets_free_units_and_keeps_reservations_and_sales()
    {
        var ledger = Stocked(10);
        ledger.Reserve("held", 3);
        ledger.Reserve("sold", 2);
        ledger.Commit("sold");

        Assert.True(ledger.SetStock(1));
        Assert.Equal((1, 3, 2), (ledger.Counts.Available, ledger.Counts.Reserved, ledger.Counts.Sold));

        ledger.Release("held");
        Assert.Equal(4, ledger.Counts.Available);
    }

    [Fact]
    public void SetStock_to_the_current_figure_is_not_a_change()
    {
        var ledger = Stocked(4);
        var before = ledger.Counts;

        Assert.False(ledger.SetStock(4));
        Assert.Equal(before, ledger.Counts);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(StockLedger.MaxUnits + 1)]
    public void SetStock_rejects_figures_out_of_range(int available)
    {
        var ledger = Stocked(4);

        Assert.Throws<ArgumentOutOfRangeException>(() => ledger.SetStock(available));
    }

    [Fact]
    public void Every_change_increments_the_sequence_and_nothing_else_does()
    {
        var ledger = Stocked(3);
        var sequences = new List<long> { ledger.Counts.Sequence };

        ledger.Reserve("a", 1);
        sequences.Add(ledger.Counts.Sequence);
        ledger.Reserve("a", 1);
        ledger.Reserve("too-many", 9);
        ledger.Commit("unknown");
        sequences.Add(ledger.Counts.Sequence);
        ledger.Commit("a");
        sequences.Add(ledger.Counts.Sequence);

        Assert.Equal([1, 2, 2, 3], sequences);
    }

    [Fact]
    public void A_ledger_loaded_with_one_orders_record_applies_the_same_rules()
    {
        var ledger = new StockLedger(new StockCounts(4, 2, 0, 7), [new Reservation("order-1", 2, ReservationStatus.Reserved)]);

        Assert.True(ledger.Reserve("order-1", 2));
        Assert.True(ledger.Commit("order-1"));

        Assert.Equal(new StockCounts(4, 0, 2, 8), ledger.Counts);
    }
}
