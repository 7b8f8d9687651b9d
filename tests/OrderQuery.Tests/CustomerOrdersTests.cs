using FlashSale.OrderQuery.Domain;

namespace FlashSale.OrderQuery.Tests;

public class CustomerOrdersTests
{
    [Fact]
    public void Pages_list_the_newest_placed_orders_first()
    {
        var index = Enumerable.Range(1, 5).Aggregate((CustomerOrders?)null, (current, day) =>
            CustomerOrders.Record(current, $"order-{day}", new OrderListing("customer-1", Events.Start.AddDays(day)), revision: 1))!;
        var list = new CustomerOrderList([index.Orders]);

        Assert.Equal(["order-5", "order-4"], list.Page(0, 2));
        Assert.Equal(["order-3", "order-2"], list.Page(2, 2));
        Assert.Equal(["order-1"], list.Page(4, 2));
        Assert.Empty(list.Page(6, 2));
    }

    [Fact]
    public void A_listing_from_an_older_revision_does_not_replace_a_newer_one()
    {
        var index = CustomerOrders.Record(null, "order-1", new OrderListing("customer-1", Events.Start), revision: 2)!;

        Assert.Null(CustomerOrders.Record(index, "order-1", new OrderListing("customer-1", Events.Start.AddDays(1)), revision: 1));
        Assert.Null(CustomerOrders.Record(index, "order-1", new OrderListing("customer-1", Events.Start), revision: 2));
        var moved = CustomerOrders.Record(index, "order-1", new OrderListing("customer-1", Events.Start.AddDays(-1)), revision: 3)!;
        Assert.Equal(Events.Start.AddDays(-1), Assert.Single(moved.Orders).PlacedAt);
    }

    [Fact]
    public void An_order_recorded_again_after_its_entry_was_archived_is_listed_once_as_its_newest_entry_says()
    {
        var archived = Enumerable.Range(1, CustomerOrders.EntriesPerArchive).Aggregate((CustomerOrders?)null, (current, day) =>
            CustomerOrders.Record(current, $"order-{day}", new OrderListing("customer-1", Events.Start.AddDays(day)), revision: 1))!;
        Assert.True(CustomerOrders.IsDueForArchiving(archived));
        var index = CustomerOrders.Archived(archived);
        // A redelivery of order-1 and a later listing of order-2 land in the emptied index.
        index = CustomerOrders.Record(index, "order-1", new OrderListing("customer-1", Events.Start.AddDays(1)), revision: 1)!;
        index = CustomerOrders.Record(index, "order-2", new OrderListing("customer-1", Events.Start.AddDays(100)), revision: 2)!;

        var list = new CustomerOrderList([index.Orders, archived.Orders]);

        Assert.Equal(CustomerOrders.EntriesPerArchive, list.Count);
        Assert.Equal("order-2", list.Page(0, 1).Single());
        Assert.Equal("order-1", list.Page(CustomerOrders.EntriesPerArchive - 1, 5).Single());
    }
}
