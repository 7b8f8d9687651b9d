using Dapr.Actors.Runtime;
using FlashSale.Inventory.Domain;

namespace FlashSale.Inventory.Actors;

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

    private bool ReservationChanged => _orderId is not null && Ledger.Find(_orderId) != _loadedReservation;

    public static async Task<StockTurn> BeginAsync(IActorStateManager state, string? orderId = null)
    {
        var counts = await state.TryGetStateAsync<StockCounts>(CountsKey);
        // A malformed order id has no record (the ledger refuses to create one), and must not reach a state URL.
        var reservation = StockIdentifiers.IsValidOrderId(orderId)
            ? await state.TryGetStateAsync<Reservation>(ReservationKey(orderId))
            : new ConditionalValue<Reservation>();
        var outbox = await state.TryGetStateAsync<List<PendingEvent>>(OutboxKey);
        return new StockTurn(
            state,
            orderId,
            counts.HasValue ? counts.Value : StockCounts.None,
            reservation.HasValue ? reservation.Value : null,
            outbox.HasValue ? outbox.Value : []);
    }

    /// <summary>Saves what the call changed together with its events, in one actor state transaction.</summary>
    public async Task SaveAsync(IReadOnlyCollection<PendingEvent> events)
    {
        if (CountsChanged)
        {
            await _state.SetStateAsync(CountsKey, Ledger.Counts);
        }

        if (ReservationChanged)
        {
            await _state.SetStateAsync(ReservationKey(_orderId!), Ledger.Find(_orderId!));
        }

        if (events.Count > 0)
        {
            Outbox.AddRange(events);
            await _state.SetStateAsync(OutboxKey, Outbox);
        }

        await _state.SaveStateAsync();
    }

    /// <summary>Forgets the events once they are published.</summary>
    public async Task ClearOutboxAsync()
    {
        Outbox.Clear();
        await _state.TryRemoveStateAsync(OutboxKey);
        await _state.SaveStateAsync();
    }

    private static string ReservationKey(string orderId) => $"reservation-{orderId}";
}
