using FlashSale.Contracts;
using FlashSale.Contracts.Inventory;

namespace FlashSale.Inventory.Domain;

/// <summary>
/// The stock rules of one SKU, over the records a call is about: the counters, the reservations of the orders in the
/// call and the allowances of their customers. Every rule concerns one order at a time, so the actor loads only what a
/// call names, never the SKU's history.
/// <para>
/// Reservations are idempotent by order id. Ordering decides an order's fate and the ledger follows it: units are
/// reserved, then sold (commit) or given back (release); an expiry gives back what nobody paid for in time. A commit
/// that finds its reservation expired or released takes the units again if they are there, so a late payment never
/// confirms an order without stock. A release of units sold to an order that ordering cancelled returns them. A release
/// (or expiry) that arrives before its reserve leaves a marker, so the late reserve is refused instead of holding units
/// for an order that will never exist.
/// </para>
/// Available + reserved + sold is always the stock the admin set plus what came back; no counter is ever negative.
/// </summary>
public sealed class StockLedger
{
    /// <summary>Upper bound for an admin's stock figure; keeps every counter far from overflowing.</summary>
    public const int MaxUnits = 1_000_000;

    private readonly Dictionary<string, Reservation> _reservations;
    private readonly Dictionary<AllowanceKey, int> _allowances;
    private readonly HashSet<string> _changedReservations = new(StringComparer.Ordinal);
    private readonly HashSet<AllowanceKey> _changedAllowances = [];

    public StockLedger(StockCounts counts, IEnumerable<Reservation> knownReservations, IReadOnlyDictionary<AllowanceKey, int>? allowances = null)
    {
        Counts = counts;
        _reservations = knownReservations.ToDictionary(reservation => reservation.OrderId, StringComparer.Ordinal);
        _allowances = allowances?.ToDictionary() ?? [];
    }

    public static StockLedger Empty() => new(StockCounts.None, []);

    public StockCounts Counts { get; private set; }

    /// <summary>The reservations this ledger created or changed, to be saved.</summary>
    public IEnumerable<Reservation> ChangedReservations => _changedReservations.Select(orderId => _reservations[orderId]);

    /// <summary>The allowances this ledger changed, to be saved (0: nothing held any more).</summary>
    public IEnumerable<KeyValuePair<AllowanceKey, int>> ChangedAllowances => _changedAllowances.Select(key => KeyValuePair.Create(key, _allowances[key]));

    public Reservation? Find(string orderId) => _reservations.GetValueOrDefault(orderId);

    /// <summary>
    /// Holds the item's units for its order if that many are available and the customer's allowance permits. A repeated
    /// reserve of a known order returns the first call's outcome and changes nothing, whatever happened to it since.
    /// The allowance of a limited item must have been loaded (see <see cref="AllowanceKeyOf"/>).
    /// </summary>
    public ReserveOutcome Reserve(ReserveItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        if (!Identifiers.IsOrderId(item.OrderId))
        {
            throw new ArgumentException($"'{item.OrderId}' is not a valid order id", nameof(item));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(item.Quantity);
        if (Find(item.OrderId) is { } previous)
        {
            // A retry must repeat the original request; silently answering a different quantity would lose units.
            return previous.IsReleaseMarker ? ReserveOutcome.SoldOut
                : previous.Quantity == item.Quantity ? ReserveOutcome.Reserved
                : throw new InvalidOperationException($"order {item.OrderId} already asked for {previous.Quantity} units, not {item.Quantity}");
        }

        if (item.Quantity > Counts.Available)
        {
            return ReserveOutcome.SoldOut;
        }

        var allowance = AllowanceKeyOf(item);
        if (allowance is not null && HeldBy(allowance) + item.Quantity > item.Limit!.Units)
        {
            return ReserveOutcome.CustomerLimit;
        }

        Record(new Reservation(item.OrderId, item.Quantity, ReservationStatus.Reserved, allowance));
        Hold(allowance, item.Quantity);
        Counts = Counts.Next(Counts.Available - item.Quantity, Counts.Reserved + item.Quantity, Counts.Sold);
        return ReserveOutcome.Reserved;
    }

    /// <summary>
    /// Sells the order's units. A reservation that expired or was released is taken again from stock when the units
    /// and the customer's allowance are there. Returns whether the order's units are sold now.
    /// </summary>
    public bool Commit(SettleItem item)
    {
        ArgumentNullException.ThrowIfNull(item);
        switch (Find(item.OrderId))
        {
            case { Status: ReservationStatus.Committed }:
                return true;
            case { Status: ReservationStatus.Reserved } reserved:
                Record(reserved with { Status = ReservationStatus.Committed });
                Counts = Counts.Next(Counts.Available, Counts.Reserved - reserved.Quantity, checked(Counts.Sold + reserved.Quantity));
                return true;
        }

        // Expired, released, returned, or never seen (e.g. its record was forgotten): take the units again if possible.
        if (!Identifiers.IsOrderId(item.OrderId) || item.Quantity <= 0 || item.Quantity > Counts.Available)
        {
            return false;
        }

        var allowance = AllowanceKeyOf(item.CustomerId, item.Limit);
        if (allowance is not null && HeldBy(allowance) + item.Quantity > item.Limit!.Units)
        {
            return false;
        }

        Record(new Reservation(item.OrderId, item.Quantity, ReservationStatus.Committed, allowance));
        Hold(allowance, item.Quantity);
        Counts = Counts.Next(Counts.Available - item.Quantity, Counts.Reserved, checked(Counts.Sold + item.Quantity));
        return true;
    }

    /// <summary>
    /// Gives the order's units back to stock: reserved ones, or sold ones of an order ordering cancelled. An order the
    /// ledger does not know gets a release marker instead, which refuses its reserve if that arrives later. Returns
    /// whether any units moved.
    /// </summary>
    public bool Release(string orderId)
    {
        switch (Find(orderId))
        {
            case null when Identifiers.IsOrderId(orderId):
                Record(Reservation.ReleaseMarker(orderId));
                return false;
            case { Status: ReservationStatus.Reserved } reserved:
                GiveBack(reserved, ReservationStatus.Released, fromSold: false);
                return true;
            case { Status: ReservationStatus.Committed } sold:
                GiveBack(sold, ReservationStatus.Returned, fromSold: true);
                return true;
            default:
                return false;
        }
    }

    /// <summary>A reservation whose time ran out goes back to stock, unless it was settled meanwhile. Returns whether units moved.</summary>
    public bool Expire(string orderId)
    {
        if (Find(orderId) is not { Status: ReservationStatus.Reserved } reserved)
        {
            return false;
        }

        GiveBack(reserved, ReservationStatus.Expired, fromSold: false);
        return true;
    }

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

    /// <summary>The allowance an item counts against, or null when its sale has no per-customer limit.</summary>
    public static AllowanceKey? AllowanceKeyOf(ReserveItem item) => AllowanceKeyOf(item.CustomerId, item.Limit);

    public static AllowanceKey? AllowanceKeyOf(string? customerId, CustomerLimit? limit) =>
        limit is null || string.IsNullOrEmpty(customerId) ? null : new AllowanceKey(limit.SaleKey, customerId);

    private int HeldBy(AllowanceKey allowance) => _allowances.GetValueOrDefault(allowance);

    private void Hold(AllowanceKey? allowance, int quantity)
    {
        if (allowance is not null)
        {
            _allowances[allowance] = HeldBy(allowance) + quantity;
            _changedAllowances.Add(allowance);
        }
    }

    private void GiveBack(Reservation reservation, ReservationStatus outcome, bool fromSold)
    {
        Record(reservation with { Status = outcome });
        if (reservation.Allowance is { } allowance)
        {
            _allowances[allowance] = Math.Max(0, HeldBy(allowance) - reservation.Quantity);
            _changedAllowances.Add(allowance);
        }

        var quantity = reservation.Quantity;
        Counts = fromSold
            ? Counts.Next(checked(Counts.Available + quantity), Counts.Reserved, Counts.Sold - quantity)
            : Counts.Next(checked(Counts.Available + quantity), Counts.Reserved - quantity, Counts.Sold);
    }

    private void Record(Reservation reservation)
    {
        _reservations[reservation.OrderId] = reservation;
        _changedReservations.Add(reservation.OrderId);
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

/// <summary>What the ledger remembers about one order, so that retries and late calls get the same answer.</summary>
public sealed record Reservation(string OrderId, int Quantity, ReservationStatus Status, AllowanceKey? Allowance = null)
{
    /// <summary>Released before any reserve arrived: holds nothing, and a later reserve for the order is refused.</summary>
    public static Reservation ReleaseMarker(string orderId) => new(orderId, 0, ReservationStatus.Released);

    public bool IsReleaseMarker => Status == ReservationStatus.Released && Quantity == 0;

    /// <summary>Holds units (reserved or sold); every other state holds none.</summary>
    public bool HoldsUnits => Status is ReservationStatus.Reserved or ReservationStatus.Committed;
}

/// <summary>One customer's holdings in one sale, for the sale's per-customer limit.</summary>
public sealed record AllowanceKey(string SaleKey, string CustomerId);

public enum ReservationStatus
{
    /// <summary>Holds units until committed, released or expired.</summary>
    Reserved,

    /// <summary>The units are sold (the order is paid).</summary>
    Committed,

    /// <summary>The caller gave the units back before they were sold.</summary>
    Released,

    /// <summary>Not committed in time; the units went back to stock.</summary>
    Expired,

    /// <summary>Sold, then given back because ordering cancelled the order.</summary>
    Returned,
}
