namespace FlashSale.OrderQuery.Domain;

public sealed record CustomerOrderEntry(string OrderId, DateTimeOffset PlacedAt, long Revision);

/// <summary>
/// The index of one customer's orders, kept beside the order views so their list needs no query language: the orders
/// recorded since it last moved its entries to an archive (listed in the index's <see cref="ArchiveDirectory"/>). A
/// customer who has ordered for years still costs one small write per order (ADR 0030).
/// </summary>
public sealed record CustomerOrders(string CustomerId, IReadOnlyList<CustomerOrderEntry> Orders)
{
    public const int EntriesPerArchive = 32;

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

    public static bool IsDueForArchiving(CustomerOrders index) => index.Orders.Count >= EntriesPerArchive;

    /// <summary>The index once its entries are in an archive.</summary>
    public static CustomerOrders Archived(CustomerOrders index) => index with { Orders = [] };
}

/// <summary>Entries a customer's index moved out once it held <see cref="CustomerOrders.EntriesPerArchive"/>; never written again.</summary>
public sealed record CustomerOrdersArchive(string CustomerId, IReadOnlyList<CustomerOrderEntry> Orders);

/// <summary>
/// Everything a customer ordered, from the index and its archives: each order once, as its newest entry says (an order
/// recorded again after its entry was archived, or whose move lost its race after listing the archive, may appear
/// several times).
/// </summary>
public sealed class CustomerOrderList(IEnumerable<IReadOnlyList<CustomerOrderEntry>> parts)
{
    private readonly IReadOnlyList<CustomerOrderEntry> _orders = parts
        .SelectMany(entries => entries)
        .GroupBy(entry => entry.OrderId, StringComparer.Ordinal)
        .Select(entries => entries.MaxBy(entry => entry.Revision)!)
        .OrderByDescending(entry => entry.PlacedAt)
        .ThenByDescending(entry => entry.OrderId, StringComparer.Ordinal)
        .ToList();

    public int Count => _orders.Count;

    /// <summary>At most <paramref name="pageSize"/> order ids from <paramref name="offset"/> on, newest placed first.</summary>
    public IReadOnlyList<string> Page(int offset, int pageSize) =>
        _orders.Skip(offset).Take(pageSize).Select(entry => entry.OrderId).ToList();
}
