namespace FlashSale.Inventory.Domain;

/// <summary>
/// The stock rules of one SKU. Reservations are idempotent by order id, so a caller may retry any call safely.
/// <para>
/// The ledger only needs the counters and the reservations of the orders it is asked about: every rule below concerns
/// one order at a time. That lets the actor load a single order's record per call instead of the SKU's whole history.
/// </para>
/// Final states win: a committed reservation is never released (sold units do not come back through a release), and a
/// released or expired one is never committed (its units may already belong to another order). Such late calls are
/// no-ops; ordering learns about an expiry from the <c>ReservationExpired</c> event.
/// </summary>
public sealed class StockLedger
{
    /// <summary>Upper bound for an admin's stock figure; keeps every counter far from overflowing.</summary>
    public const int MaxUnits = 1_000_000;

    private readonly Dictionary<string, Reservation> _reservations;

    public StockLedger(StockCounts counts, IEnumerable<Reservation> knownReservations)
    {
        Counts = counts;
        _reservations = knownReservations.ToDictionary(reservation => reservation.OrderId, StringComparer.Ordinal);
    }

    public static StockLedger Empty() => new(StockCounts.None, []);

    public StockCounts Counts { get; private set; }

    public Reservation? Find(string orderId) => _reservations.GetValueOrDefault(orderId);

    /// <summary>
    /// Holds <paramref name="quantity"/> units for the order if that many are available. A repeated call with the same
    /// order id returns the first call's outcome and changes nothing, whatever happened to the reservation since.
    /// </summary>
    public bool Reserve(string orderId, int quantity)
    {
        if (!StockIdentifiers.IsValidOrderId(orderId))
        {
            throw new ArgumentException($"'{orderId}' is not a valid order id", nameof(orderId));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        if (Find(orderId) is { } previous)
        {
            // A retry must repeat the original request; silently answering a different quantity would lose units.
            return previous.Quantity == quantity
                ? previous.Status != ReservationStatus.Rejected
                : throw new InvalidOperationException(
                    $"order {orderId} already asked for {previous.Quantity} units, not {quantity}");
        }

        if (quantity > Counts.Available)
        {
            _reservations[orderId] = new Reservation(orderId, quantity, ReservationStatus.Rejected);
            return false;
        }

        _reservations[orderId] = new Reservation(orderId, quantity, ReservationStatus.Reserved);
        Counts = Counts.Next(Counts.Available - quantity, Counts.Reserved + quantity, Counts.Sold);
        return true;
    }

    /// <summary>Makes the order's reservation final. Returns whether anything changed.</summary>
    public bool Commit(string orderId) => Settle(orderId, ReservationStatus.Committed);

    /// <summary>Returns the order's reserved units to stock. Returns whether anything changed.</summary>
    public bool Release(string orderId) => Settle(orderId, ReservationStatus.Released);

    /// <summary>Releases a reservation whose time ran out. Returns whether anything changed.</summary>
    public bool Expire(string orderId) => Settle(orderId, ReservationStatus.Expired);

    /// <summary>
    /// Sets the units free for sale. Units held by reservations stay held: they belong to orders in flight, and a
    /// later release adds them to the new figure. Sold units are history and never change here.
    /// </summary>
    public bool SetStock(int available)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(available);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(available, MaxUnits);
        if (available == Counts.Available)
        {
            return false;
        }

        Counts = Counts.Next(available, Counts.Reserved, Counts.Sold);
        return true;
    }

    private bool Settle(string orderId, ReservationStatus outcome)
    {
        if (Find(orderId) is not { Status: ReservationStatus.Reserved } reservation)
        {
            return false;
        }

        _reservations[orderId] = reservation with { Status = outcome };
        var quantity = reservation.Quantity;
        Counts = outcome == ReservationStatus.Committed
            ? Counts.Next(Counts.Available, Counts.Reserved - quantity, checked(Counts.Sold + quantity))
            : Counts.Next(checked(Counts.Available + quantity), Counts.Reserved - quantity, Counts.Sold);
        return true;
    }
}

/// <summary>
/// A SKU's counters. <paramref name="Sequence"/> grows by one with every change, so subscribers can order and
/// de-duplicate the SKU's events.
/// </summary>
public sealed record StockCounts(int Available, int Reserved, int Sold, long Sequence)
{
    public static readonly StockCounts None = new(0, 0, 0, 0);

    internal StockCounts Next(int available, int reserved, int sold) => new(available, reserved, sold, Sequence + 1);
}

/// <summary>What the ledger remembers about one order, including refusals, so that retries get the same answer.</summary>
public sealed record Reservation(string OrderId, int Quantity, ReservationStatus Status);

public enum ReservationStatus
{
    /// <summary>Refused for lack of stock; holds nothing.</summary>
    Rejected,

    /// <summary>Holds units until committed, released or expired.</summary>
    Reserved,

    /// <summary>Final: the units are sold.</summary>
    Committed,

    /// <summary>Final: the caller gave the units back.</summary>
    Released,

    /// <summary>Final: not committed in time; the units went back to stock.</summary>
    Expired,
}
