namespace FlashSale.OrderQuery.Domain;

public sealed record CustomerOrderEntry(string OrderId, DateTimeOffset PlacedAt, long Revision);

/// <summary>The index of one customer's orders, kept beside the order views so their list needs no query language.</summary>
public sealed record CustomerOrders(string CustomerId, IReadOnlyList<CustomerOrderEntry> Orders)
{
    /// <summary>The index with the order listed as of <paramref name="revision"/>; null when it already is (or newer).</summary>
    public static CustomerOrders? Record(CustomerOrders? index, string orderId, OrderListing listing, long revision)
    {
        var current = index ?? new CustomerOrders(listing.CustomerId, []);
        if (current.Orders.Any(entry => entry.OrderId == orderId && entry.Revision >= revision))
        {
            return null;
        }

        return current with
        {
            Orders = [.. current.Orders.Where(entry => entry.OrderId != orderId), new CustomerOrderEntry(orderId, listing.PlacedAt, revision)],
        };
    }

    /// <summary>At most <paramref name="pageSize"/> order ids from <paramref name="offset"/> on, newest placed first.</summary>
    public IReadOnlyList<string> Page(int offset, int pageSize) => Orders
        .OrderByDescending(entry => entry.PlacedAt)
        .ThenByDescending(entry => entry.OrderId, StringComparer.Ordinal)
        .Skip(offset)
        .Take(pageSize)
        .Select(entry => entry.OrderId)
        .ToList();
}
