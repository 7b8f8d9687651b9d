using FlashSale.OrderQuery.Domain;

namespace FlashSale.OrderQuery.Tests;

public class CustomerOrdersTests
{
    [Fact]
    public void Pages_list_the_newest_placed_orders_first()
    {
        var index = Enumerable.Range(1, 5).Aggregate((CustomerOrders?)null, (current, day) =>
            CustomerOrders.Record(current, $"order-{day}", new OrderListing("customer-1", Events.Start.AddDays(day)), revision: 1))!;

        Assert.Equal(["order-5", "order-4"], index.Page(0, 2));
        Assert.Equal(["order-3", "order-2"], index.Page(2, 2));
        Assert.Equal(["order-1"], index.Page(4, 2));
        Assert.Empty(index.Page(6, 2));
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
}
