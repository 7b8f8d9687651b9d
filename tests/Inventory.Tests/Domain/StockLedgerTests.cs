using FlashSale.Contracts.Inventory;
using FlashSale.Inventory.Domain;

namespace FlashSale.Inventory.Tests.Domain;

public sealed class StockLedgerTests
{
    private static readonly CustomerLimit TwoPerCustomer = new("sale-1", 2);

    private static StockLedger Stocked(int available)
    {
        var ledger = StockLedger.Empty();
        ledger.SetStock(available);
        return ledger;
    }

    private static ReserveItem Item(string orderId, int quantity, string? customer = null, CustomerLimit? limit = null) =>
        new(orderId, quantity, customer, limit);

    private static SettleItem Settle(string orderId, int quantity, string? customer = null, CustomerLimit? limit = null) =>
        new(orderId, quantity, customer, limit);

    /// <summary>Available + reserved + sold: what the admin set, plus what came back; it never changes by itself.</summary>
    private static int Total(StockLedger ledger) => ledger.Counts.Available + ledger.Counts.Reserved + ledger.Counts.Sold;

    [Fact]
    public void Reserve_holds_units_when_enough_are_available()
    {
        var ledger = Stocked(10);

        Assert.Equal(ReserveOutcome.Reserved, ledger.Reserve(Item("order-1", 3)));

        Assert.Equal(new StockCounts(7, 3, 0, 2), ledger.Counts);
        Assert.Equal(new Reservation("order-1", 3, ReservationStatus.Reserved), ledger.Find("order-1"));
        Assert.Equal(["order-1"], ledger.ChangedReservations.Select(reservation => reservation.OrderId));
    }

    [Fact]
    public void Reserve_refuses_more_than_available_changes_no_counter_and_records_nothing()
    {
        var ledger = Stocked(2);

        Assert.Equal(ReserveOutcome.SoldOut, ledger.Reserve(Item("order-1", 3)));

        Assert.Equal(new StockCounts(2, 0, 0, 1), ledger.Counts);
        Assert.Null(ledger.Find("order-1"));
        Assert.Empty(ledger.ChangedReservations);
    }

    [Fact]
    public void Reserve_can_take_the_last_unit_but_never_goes_below_zero()
    {
        var ledger = Stocked(2);

        Assert.Equal(ReserveOutcome.Reserved, ledger.Reserve(Item("order-1", 2)));
        Assert.Equal(ReserveOutcome.SoldOut, ledger.Reserve(Item("order-2", 1)));

        Assert.Equal(0, ledger.Counts.Available);
    }

    [Fact]
    public void Repeated_reserve_of_a_known_order_returns_the_first_outcome_without_reserving_twice()
    {
        var ledger = Stocked(5);
        ledger.Reserve(Item("order-1", 2));
        var afterFirst = ledger.Counts;

        Assert.Equal(ReserveOutcome.Reserved, ledger.Reserve(Item("order-1", 2)));

        Assert.Equal(afterFirst, ledger.Counts);
    }

    [Fact]
    public void Repeating_a_reservation_with_another_quantity_is_a_caller_error()
    {
        var ledger = Stocked(5);
        ledger.Reserve(Item("order-1", 2));

        Assert.Throws<InvalidOperationException>(() => ledger.Reserve(Item("order-1", 3)));
        Assert.Equal(3, ledger.Counts.Available);
    }

    [Theory]
    [InlineData("", 1)]
    [InlineData("order/1", 1)]
    [InlineData("order-1", 0)]
    [InlineData("order-1", -1)]
    public void Reserve_rejects_invalid_arguments(string orderId, int quantity)
    {
        var ledger = Stocked(5);

        Assert.ThrowsAny<ArgumentException>(() => ledger.Reserve(Item(orderId, quantity)));
        Assert.Equal(5, ledger.Counts.Available);
    }

    [Fact]
    public void Commit_turns_reserved_units_into_sold_units_once()
    {
        var ledger = Stocked(5);
        ledger.Reserve(Item("order-1", 2));

        Assert.True(ledger.Commit(Settle("order-1", 2)));
        Assert.True(ledger.Commit(Settle("order-1", 2)));

        Assert.Equal((3, 0, 2), (ledger.Counts.Available, ledger.Counts.Reserved, ledger.Counts.Sold));
    }

    [Fact]
    public void Release_returns_reserved_units_once()
    {
        var ledger = Stocked(5);
        ledger.Reserve(Item("order-1", 2));

        Assert.True(ledger.Release("order-1"));
        Assert.False(ledger.Release("order-1"));

        Assert.Equal((5, 0, 0), (ledger.Counts.Available, ledger.Counts.Reserved, ledger.Counts.Sold));
        Assert.Equal(ReservationStatus.Released, ledger.Find("order-1")!.Status);
    }

    [Fact]
    public void A_release_of_sold_units_returns_them_to_stock_because_ordering_cancelled_the_order()
    {
        var ledger = Stocked(5);
        ledger.Reserve(Item("order-1", 2));
        ledger.Commit(Settle("order-1", 2));

        Assert.True(ledger.Release("order-1"));
        Assert.False(ledger.Release("order-1"));

        Assert.Equal((5, 0, 0), (ledger.Counts.Available, ledger.Counts.Reserved, ledger.Counts.Sold));
        Assert.Equal(ReservationStatus.Returned, ledger.Find("order-1")!.Status);
    }

    [Fact]
    public void A_commit_after_an_expiry_takes_the_units_again_when_they_are_there()
    {
        var ledger = Stocked(3);
        ledger.Reserve(Item("late", 2));
        Assert.True(ledger.Expire("late"));

        Assert.True(ledger.Commit(Settle("late", 2)));

        Assert.Equal((1, 0, 2), (ledger.Counts.Available, ledger.Counts.Reserved, ledger.Counts.Sold));
        Assert.Equal(ReservationStatus.Committed, ledger.Find("late")!.Status);
        Assert.Equal(3, Total(ledger));
    }

    [Fact]
    public void A_commit_after_an_expiry_is_refused_when_the_units_went_to_someone_else_and_nothing_is_oversold()
    {
        var ledger = Stocked(2);
        ledger.Reserve(Item("late", 2));
        ledger.Expire("late");
        ledger.Reserve(Item("early-bird", 2));

        Assert.False(ledger.Commit(Settle("late", 2)));

        Assert.Equal((0, 2, 0), (ledger.Counts.Available, ledger.Counts.Reserved, ledger.Counts.Sold));
        Assert.Equal(ReservationStatus.Expired, ledger.Find("late")!.Status);
    }

    [Fact]
    public void A_commit_of_an_order_the_ledger_does_not_know_takes_units_when_there_are_some()
    {
        var ledger = Stocked(1);

        Assert.False(ledger.Commit(Settle("unknown", 2)));
        Assert.True(ledger.Commit(Settle("forgotten", 1)));

        Assert.Equal((0, 0, 1), (ledger.Counts.Available, ledger.Counts.Reserved, ledger.Counts.Sold));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void A_reserve_that_arrives_after_its_release_or_expiry_is_refused_and_holds_nothing(bool expiry)
    {
        var ledger = Stocked(5);
        if (expiry)
        {
            ledger.Reserve(Item("order-1", 2));
            ledger.Expire("order-1");
            Assert.Equal(ReserveOutcome.Reserved, ledger.Reserve(Item("order-1", 2)));
            Assert.Equal(5, ledger.Counts.Available);
            return;
        }

        Assert.False(ledger.Release("order-1"));
        Assert.Equal(ReserveOutcome.SoldOut, ledger.Reserve(Item("order-1", 2)));

        Assert.Equal(5, ledger.Counts.Available);
        Assert.True(ledger.Find("order-1")!.IsReleaseMarker);
    }

    [Fact]
    public void A_malformed_order_id_gets_no_release_marker()
    {
        var ledger = Stocked(5);

        Assert.False(ledger.Release("bad id"));

        Assert.Null(ledger.Find("bad id"));
    }

    [Fact]
    public void An_expiry_after_a_commit_or_a_release_changes_nothing()
    {
        var ledger = Stocked(5);
        ledger.Reserve(Item("sold", 1));
        ledger.Commit(Settle("sold", 1));
        ledger.Reserve(Item("given-back", 1));
        ledger.Release("given-back");
        var before = ledger.Counts;

        Assert.False(ledger.Expire("sold"));
        Assert.False(ledger.Expire("given-back"));

        Assert.Equal(before, ledger.Counts);
    }

    [Fact]
    public void A_customer_may_hold_at_most_the_sales_limit_and_a_release_gives_the_allowance_back()
    {
        var ledger = Stocked(10);

        Assert.Equal(ReserveOutcome.Reserved, ledger.Reserve(Item("o-1", 1, "alice", TwoPerCustomer)));
        Assert.Equal(ReserveOutcome.Reserved, ledger.Reserve(Item("o-2", 1, "alice", TwoPerCustomer)));
        Assert.Equal(ReserveOutcome.CustomerLimit, ledger.Reserve(Item("o-3", 1, "alice", TwoPerCustomer)));
        Assert.Equal(ReserveOutcome.Reserved, ledger.Reserve(Item("o-4", 2, "bob", TwoPerCustomer)));
        ledger.Release("o-1");

        Assert.Equal(ReserveOutcome.Reserved, ledger.Reserve(Item("o-5", 1, "alice", TwoPerCustomer)));
        Assert.Equal(ReserveOutcome.CustomerLimit, ledger.Reserve(Item("o-6", 1, "alice", TwoPerCustomer)));
        Assert.Equal(new Dictionary<AllowanceKey, int>
        {
            [new AllowanceKey("sale-1", "alice")] = 2,
            [new AllowanceKey("sale-1", "bob")] = 2,
        }, ledger.ChangedAllowances.ToDictionary());
    }

    [Fact]
    public void Bought_units_count_against_the_limit_and_a_new_sale_starts_a_new_allowance()
    {
        var ledger = Stocked(10);
        ledger.Reserve(Item("o-1", 2, "alice", TwoPerCustomer));
        ledger.Commit(Settle("o-1", 2, "alice", TwoPerCustomer));

        Assert.Equal(ReserveOutcome.CustomerLimit, ledger.Reserve(Item("o-2", 1, "alice", TwoPerCustomer)));
        Assert.Equal(ReserveOutcome.Reserved, ledger.Reserve(Item("o-3", 1, "alice", new CustomerLimit("sale-2", 2))));
    }

    [Fact]
    public void A_commit_that_takes_units_again_respects_the_limit_too()
    {
        var ledger = Stocked(10);
        ledger.Reserve(Item("late", 2, "alice", TwoPerCustomer));
        ledger.Expire("late");
        ledger.Reserve(Item("meanwhile", 2, "alice", TwoPerCustomer));

        Assert.False(ledger.Commit(Settle("late", 2, "alice", TwoPerCustomer)));
        Assert.Equal(2, ledger.ChangedAllowances.ToDictionary()[new AllowanceKey("sale-1", "alice")]);
    }

    [Fact]
    public void SetStock_sets_free_units_and_keeps_reservations_and_sales()
    {
        var ledger = Stocked(10);
        ledger.Reserve(Item("order-1", 3));
        ledger.Reserve(Item("order-2", 2));
        ledger.Commit(Settle("order-2", 2));

        Assert.True(ledger.SetStock(20));

        Assert.Equal((20, 3, 2), (ledger.Counts.Available, ledger.Counts.Reserved, ledger.Counts.Sold));
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
    public void SetStock_rejects_figures_out_of_range(int available) =>
        Assert.ThrowsAny<ArgumentOutOfRangeException>(() => Stocked(1).SetStock(available));

    [Fact]
    public void Every_change_increments_the_sequence_and_nothing_else_does()
    {
        var ledger = Stocked(3);
        var sequence = ledger.Counts.Sequence;

        ledger.Reserve(Item("order-1", 1));
        ledger.Reserve(Item("order-2", 9));
        ledger.Commit(Settle("order-1", 1));
        ledger.Commit(Settle("order-1", 1));
        ledger.Release("never-reserved");

        Assert.Equal(sequence + 2, ledger.Counts.Sequence);
    }

    [Fact]
    public void A_ledger_loaded_with_one_orders_record_applies_the_same_rules()
    {
        var ledger = new StockLedger(new StockCounts(4, 2, 0, 7), [new Reservation("order-1", 2, ReservationStatus.Reserved)]);

        Assert.Equal(ReserveOutcome.Reserved, ledger.Reserve(Item("order-1", 2)));
        Assert.True(ledger.Commit(Settle("order-1", 2)));

        Assert.Equal(new StockCounts(4, 0, 2, 8), ledger.Counts);
    }

    [Fact]
    public void No_sequence_of_operations_oversells_or_loses_a_unit()
    {
        var random = new Random(42);
        var ledger = Stocked(20);
        for (var step = 0; step < 5_000; step++)
        {
            var orderId = $"o-{random.Next(60)}";
            var quantity = ledger.Find(orderId)?.Quantity is > 0 and var known ? known : random.Next(1, 4);
            switch (random.Next(4))
            {
                case 0:
                    ledger.Reserve(Item(orderId, quantity, $"c-{random.Next(5)}", TwoPerCustomer));
                    break;
                case 1:
                    ledger.Commit(Settle(orderId, quantity, $"c-{random.Next(5)}", TwoPerCustomer));
                    break;
                case 2:
                    ledger.Release(orderId);
                    break;
                default:
                    ledger.Expire(orderId);
                    break;
            }

            Assert.True(ledger.Counts is { Available: >= 0, Reserved: >= 0, Sold: >= 0 }, $"a counter went negative at step {step}");
            Assert.Equal(20, Total(ledger));
        }
    }
}
