using Dapr.Actors.Runtime;
using FlashSale.Inventory.Domain;
using FlashSale.Contracts;

namespace FlashSale.Inventory.Infrastructure.Actors;

/// <summary>
/// One actor call's view of a SKU, loaded from actor state: the counters, the record of the order the call is about
/// and the events not yet published. Each state key is small, so a flash sale with many orders never rewrites a big
/// document on every reservation.
/// </summary>
internal sealed class StockTurn
{
    private const string CountsKey = "counts";
    private const string OutboxKey = "outbox";

    private readonly IActorStateManager _state;
    private readonly string? _orderId;
    private readonly Reservation? _loadedReservation;

    private StockTurn(IActorStateManager state, string? orderId, StockCounts counts, Reservation? reservation, List<PendingEvent> outbox)
    {
        _state = state;
        _orderId = orderId;
        _loadedReservation = reservation;
        LoadedCounts = counts;
        Ledger = new StockLedger(counts, reservation is null ? [] : [reservation]);
        Outbox = outbox;
    }

    public StockLedger Ledger { get; }

    public StockCounts LoadedCounts { get; }

    /// <summary>Events saved with an earlier change whose publishing has not been confirmed yet, oldest first.</summary>
    public List<PendingEvent> Outbox { get; }

    public bool CountsChanged => Ledger.Counts != LoadedCounts;

    /// <summary>The order's record became final in this turn (committed, released, expired or a release marker).</summary>
    public bool Settled => ReservationChanged && Ledger.Find(_orderId!) is { IsFinal: true };

    private bool ReservationChanged => _orderId is not null && Ledger.Find(_orderId) != _loadedReservation;

    /// <param name="rejections">Refusals kept in memory only; consulted when actor state has no record of the order.</param>
    public static async Task<StockTurn> BeginAsync(IActorStateManager state, string? orderId = null, RecentRejections? rejections = null)
    {
        var counts = await state.TryGetStateAsync<StockCounts>(CountsKey);
        // A malformed order id has no record (the ledger refuses to create one), and must not reach a state URL.
        var reservation = Identifiers.IsOrderId(orderId)
            ? await state.TryGetStateAsync<Reservation>(ReservationKey(orderId))
            : new ConditionalValue<Reservation>();
        var outbox = await state.TryGetStateAsync<List<PendingEvent>>(OutboxKey);
        return new StockTurn(
            state,
            orderId,
            counts.HasValue ? counts.Value : StockCounts.None,
            reservation.HasValue ? reservation.Value : orderId is null ? null : rejections?.Find(orderId),
            outbox.HasValue ? outbox.Value : []);
    }

    /// <summary>
    /// Saves what the call changed together with its events, in one actor state transaction. Refusals are not saved
    /// (see <see cref="RecentRejections"/>). A new <c>StockChanged</c> replaces any unpublished one: it carries absolute
    /// figures, so only the newest matters, and the outbox stays small however long pub/sub is down. Every other event
    /// is kept, since each tells something no later event repeats.
    /// </summary>
    public async Task SaveAsync(IReadOnlyCollection<PendingEvent> events)
    {
        if (CountsChanged)
        {
            await _state.SetStateAsync(CountsKey, Ledger.Counts);
        }

        if (ReservationChanged && Ledger.Find(_orderId!) is { Status: not ReservationStatus.Rejected } record)
        {
            await _state.SetStateAsync(ReservationKey(_orderId!), record);
        }

        if (events.Count > 0)
        {
            if (events.Any(pending => pending.StockChanged is not null))
            {
                Outbox.RemoveAll(pending => pending.StockChanged is not null);
            }

            Outbox.AddRange(events);
            await _state.SetStateAsync(OutboxKey, Outbox);
        }

        await _state.SaveStateAsync();
    }

    /// <summary>Forgets the first <paramref name="count"/> events once they are published.</summary>
    public async Task RemovePublishedAsync(int count)
    {
        Outbox.RemoveRange(0, count);
        if (Outbox.Count == 0)
        {
            await _state.TryRemoveStateAsync(OutboxKey);
        }
        else
        {
            await _state.SetStateAsync(OutboxKey, Outbox);
        }

        await _state.SaveStateAsync();
    }

    /// <summary>Deletes the order's record if it is final; a record still holding units is never forgotten.</summary>
    public async Task ForgetSettledAsync()
    {
        if (_orderId is not null && _loadedReservation is { IsFinal: true })
        {
            await _state.TryRemoveStateAsync(ReservationKey(_orderId));
            await _state.SaveStateAsync();
        }
    }

    private static string ReservationKey(string orderId) => $"reservation-{orderId}";
}
