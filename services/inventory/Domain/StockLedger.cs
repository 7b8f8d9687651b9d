using FlashSale.Contracts;

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
/// <para>
/// Idempotency holds both ways: a release (or expiry) that arrives before its reserve, e.g. because ordering gave up on
/// a call the sidecar was still retrying, leaves a released marker, so the late reserve is refused instead of holding
/// units for an order that will never exist.
/// </para>
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
        if (!Identifiers.IsOrderId(orderId))
        {
            throw new ArgumentException($"'{orderId}' is not a valid order id", nameof(orderId));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(quantity);
        if (Find(orderId) is { } previous)
        {
            if (previous.IsReleaseMarker)
            {
                return false;
            }

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

    /// <summary>
    /// Returns the order's reserved units to stock. Returns whether any units moved. An order the ledger does not know
    /// gets a release marker instead, which refuses its reserve if that arrives later.
    /// </summary>
    public bool Release(string orderId) => Settle(orderId, ReservationStatus.Released);

    /// <summary>Releases a reservation whose time ran out, like <see cref="Release"/>. Returns whether any units moved.</summary>
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
        var known = Find(orderId);
        if (known is null && outcome != ReservationStatus.Committed && Identifiers.IsOrderId(orderId))
        {
            _reservations[orderId] = Reservation.ReleaseMarker(orderId);
            return false;
        }

        if (known is not { Status: ReservationStatus.Reserved } reservation)
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
public sealed record Reservation(string OrderId, int Quantity, ReservationStatus Status)
{
    /// <summary>Released before any reserve arrived: holds nothing, and a later reserve for the order is refused.</summary>
    public static Reservation ReleaseMarker(string orderId) => new(orderId, 0, ReservationStatus.Released);

    public bool IsReleaseMarker => Status == ReservationStatus.Released && Quantity == 0;

    /// <summary>Committed, released or expired: nothing can change it any more.</summary>
    public bool IsFinal => Status is ReservationStatus.Committed or ReservationStatus.Released or ReservationStatus.Expired;
}

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
