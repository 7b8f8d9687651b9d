using System.Security.Cryptography;
using System.Text;
using FlashSale.Messaging;
using FlashSale.Ordering.Domain;
using FlashSale.Ordering.Infrastructure;

namespace FlashSale.Ordering.Application;

/// <summary>A validated request to place an order.</summary>
internal sealed record PlaceOrderCommand(string CustomerId, string IdempotencyKey, IReadOnlyList<(string Sku, int Quantity)> Lines)
{
    public IReadOnlyList<string> Skus => Lines.Select(line => line.Sku).ToList();

    /// <summary>Identifies the request's content; line order does not matter, the (SKU, quantity) pairs do.</summary>
    public string RequestHash => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join('\n',
        Lines.OrderBy(line => line.Sku, StringComparer.Ordinal).Select(line => $"{line.Sku}\t{line.Quantity}")))));
}

internal abstract record PlacementResult
{
    /// <summary>Placed now, or by an earlier request with the same key.</summary>
    public sealed record Placed(Order Order) : PlacementResult;

    /// <summary>A final refusal (sold out, unknown SKU), recorded so that a retry gets the same answer.</summary>
    public sealed record Refused(PlacementRefusal Refusal) : PlacementResult;

    public sealed record KeyReusedForAnotherRequest : PlacementResult;

    /// <summary>Another request with the same key is being processed right now.</summary>
    public sealed record InProgress : PlacementResult;

    /// <summary>A dependency failed; nothing was kept, so a retry with the same key starts afresh.</summary>
    public sealed record Unavailable(string Detail) : PlacementResult;
}

/// <summary>
/// Places an order: claim the idempotency key, price the lines (catalog), reserve every line (inventory actors), then
/// save the order and its <c>OrderPlaced</c> event in one outbox transaction. See docs/adr/0019 and 0007.
/// </summary>
internal sealed class OrderPlacement(
    IdempotencyStore idempotency, PriceCatalog catalog, StockReservations stock, StockSignals signals, OrderStore orders,
    OrderingMetrics metrics, TimeProvider clock, ILogger<OrderPlacement> logger)
{
    /// <summary>
    /// Not cancellable by the client on purpose: once started, a placement runs to a recorded outcome, so that the
    /// client's retry with the same key finds it instead of a half-done attempt.
    /// </summary>
    public async Task<PlacementResult> PlaceAsync(PlaceOrderCommand command)
    {
        var started = clock.GetTimestamp();
        var result = await DecideAsync(command);
        if (result is PlacementResult.Refused refused)
        {
            metrics.Refused(refused.Refusal.Reason);
        }

        metrics.PlacementAnswered(result switch
        {
            PlacementResult.Placed => "placed",
            PlacementResult.Refused => "refused",
            PlacementResult.Unavailable => "unavailable",
            _ => "conflict",
        }, clock.GetElapsedTime(started));
        return result;
    }

    private async Task<PlacementResult> DecideAsync(PlaceOrderCommand command)
    {
        var key = IdempotencyStore.KeyFor(command.CustomerId, command.IdempotencyKey);
        var now = clock.GetUtcNow();
        // The sold-out fast path: nothing is claimed, stored or reserved for a SKU that cannot have units any more, so
        // the refusals after a sell-out cost no actor turn and leave no record (one read: a retry of a placed order
        // must still get its order). Not recorded, so a later attempt with the key is decided afresh.
        if (command.Skus.FirstOrDefault(signals.IsSoldOut) is { } soldOut)
        {
            return await idempotency.FindAsync(key, CancellationToken.None) is { } used
                ? await ResumeAsync(key, used, command, now)
                : new PlacementResult.Refused(PlacementRefusal.SoldOut(soldOut));
        }

        var claim = NewClaim(command, now);
        if (await idempotency.TryClaimAsync(key, claim, CancellationToken.None))
        {
            return await RunAsync(key, claim, command);
        }

        // The record can vanish between the two calls (expired, or freed after a failure): the client's retry starts afresh.
        return await idempotency.FindAsync(key, CancellationToken.None) is { } existing
            ? await ResumeAsync(key, existing, command, now)
            : new PlacementResult.InProgress();
    }

    private static IdempotencyRecord NewClaim(PlaceOrderCommand command, DateTimeOffset now) =>
        new(command.RequestHash, Guid.CreateVersion7(now).ToString("N"), now, Outcome: null);

    /// <summary>Answers a request whose key is already used: a replay, a conflict, or a takeover of an abandoned claim.</summary>
    private async Task<PlacementResult> ResumeAsync(string key, StoredIdempotencyRecord existing, PlaceOrderCommand command, DateTimeOffset now)
    {
        var record = existing.Record;
        if (record.RequestHash != command.RequestHash)
        {
            return new PlacementResult.KeyReusedForAnotherRequest();
        }

        if (record.Outcome is { } outcome)
        {
            return new PlacementResult.Refused(outcome.Refusal);
        }

        // The request that claimed the key may have saved the order and died before recording it.
        if (await orders.FindAsync(record.OrderId, CancellationToken.None) is { } saved)
        {
            return new PlacementResult.Placed(saved.Order);
        }

        var age = now - record.ClaimedAt;
        if (age < PlacementTimeouts.ClaimLease)
        {
            return new PlacementResult.InProgress();
        }

        // The claiming request may still be running (a stalled process, clock skew). Keeping its order id makes its
        // reservations ours too (Reserve is idempotent by order id) and lets only one of us insert the order; the other
        // finds it. Only the request that wins the compare-and-swap takes over.
        var claim = NewClaim(command, now);
        var takeover = age < PlacementTimeouts.OrderIdReuseLimit ? claim with { OrderId = record.OrderId } : claim;
        if (!await idempotency.TryReplaceAsync(key, takeover, existing.ETag, CancellationToken.None))
        {
            return new PlacementResult.InProgress();
        }

        logger.LogWarning("Took over the abandoned placement of order {OrderId} as order {NewOrderId}", record.OrderId, takeover.OrderId);
        if (takeover.OrderId != record.OrderId)
        {
            await stock.ReleaseBestEffortAsync(record.OrderId, command.Skus);
        }

        return await RunAsync(key, takeover, command, mayRepeat: takeover.OrderId == record.OrderId);
    }

    /// <param name="mayRepeat">The order id may have reserved before (a takeover keeping it): the actors check.</param>
    private async Task<PlacementResult> RunAsync(string key, IdempotencyRecord claim, PlaceOrderCommand command, bool mayRepeat = false)
    {
        using var scope = logger.BeginOrderScope(claim.OrderId);
        using var budget = new CancellationTokenSource(PlacementTimeouts.Budget, clock);
        PriceQuotes quotes;
        try
        {
            quotes = await catalog.GetQuotesAsync(command.Skus, budget.Token);
        }
        catch (CatalogUnavailableException ex)
        {
            logger.LogWarning(ex, "Cannot price order {OrderId}", claim.OrderId);
            return await GiveUpAsync(key, claim, reservedSkus: [], "The catalog cannot price the order right now. Retry with the same Idempotency-Key.");
        }

        if (quotes.UnknownSkus.Count > 0)
        {
            return await RefuseAsync(key, claim, reservedSkus: [], PlacementRefusal.UnknownSkus(quotes.UnknownSkus));
        }

        if (quotes.BySku.Values.Select(quote => quote.Currency).Distinct().Count() > 1)
        {
            return await RefuseAsync(key, claim, reservedSkus: [], PlacementRefusal.MixedCurrencies(command.Skus));
        }

        var currency = quotes.BySku.Values.First().Currency;
        var lines = command.Lines.Select(line => new OrderLine(line.Sku, line.Quantity, quotes.BySku[line.Sku].UnitPrice, quotes.BySku[line.Sku].Limit)).ToList();
        switch (await stock.ReserveAllAsync(claim.OrderId, command.CustomerId, lines, mayRepeat, budget.Token))
        {
            case ReservationOutcome.SoldOut soldOut:
                return await RefuseAsync(key, claim, soldOut.Held, PlacementRefusal.SoldOut(soldOut.Sku));
            case ReservationOutcome.OverLimit overLimit:
                return await RefuseAsync(key, claim, overLimit.Held, PlacementRefusal.OverLimit(overLimit.Sku, overLimit.Limit));
            case ReservationOutcome.Unavailable unavailable:
                logger.LogWarning(unavailable.Error, "Cannot reserve {Sku} for order {OrderId}", unavailable.Sku, claim.OrderId);
                return await GiveUpAsync(key, claim, unavailable.Held, "Stock cannot be reserved right now. Retry with the same Idempotency-Key.");
        }

        var order = Order.Place(claim.OrderId, command.CustomerId, lines, currency, clock.GetUtcNow());
        switch (await SaveAsync(order, budget.Token))
        {
            case SaveOutcome.Saved saved:
                // Not recorded in the claim: a retry with the key finds the stored order through the claim's order id.
                return new PlacementResult.Placed(saved.Order);
            case SaveOutcome.NotSaved:
                return await GiveUpAsync(key, claim, command.Skus, "The order could not be saved. Retry with the same Idempotency-Key.");
            default:
                // The claim and reservations stay: a retry after the lease finds the order or re-reserves under its id.
                return new PlacementResult.Unavailable("The order could not be confirmed as saved. Retry with the same Idempotency-Key.");
        }
    }

    private abstract record SaveOutcome
    {
        /// <summary>Saved by this request or, under the same order id, by another with the same key (stored version).</summary>
        public sealed record Saved(Order Order) : SaveOutcome;

        public sealed record NotSaved : SaveOutcome;

        /// <summary>The save was cancelled at the deadline: the sidecar may still commit it.</summary>
        public sealed record Unknown : SaveOutcome;
    }

    /// <summary>
    /// A failed call does not always mean a failed commit (the answer can be lost after the commit, or another request
    /// with the key inserted the order first), so the order is looked up before anything is undone. If even that lookup
    /// fails, the exception leaves the claim and reservations alone: a retry after the lease finds the order, or re-reserves.
    /// </summary>
    private async Task<SaveOutcome> SaveAsync(Order order, CancellationToken budget)
    {
        try
        {
            await orders.InsertAsync(order, [OrderChanges.Placed(order)], budget);
            return new SaveOutcome.Saved(order);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Saving order {OrderId} failed", order.Id);
            if (await orders.FindAsync(order.Id, CancellationToken.None) is { } stored)
            {
                return new SaveOutcome.Saved(stored.Order);
            }

            return budget.IsCancellationRequested ? new SaveOutcome.Unknown() : new SaveOutcome.NotSaved();
        }
    }

    /// <summary>Records the refusal, then releases <paramref name="reservedSkus"/>: a recorded outcome is never taken over.</summary>
    private async Task<PlacementResult> RefuseAsync(string key, IdempotencyRecord claim, IReadOnlyList<string> reservedSkus, PlacementRefusal refusal)
    {
        if (await CompleteAsync(key, claim, new IdempotencyOutcome(refusal)))
        {
            await stock.ReleaseBestEffortAsync(claim.OrderId, reservedSkus);
        }

        return new PlacementResult.Refused(refusal);
    }

    /// <summary>
    /// Frees the key, then releases <paramref name="reservedSkus"/>. In that order: while the claim exists, a retry may
    /// take it over under the same order id and rely on these reservations (see <see cref="StockReservations.ReserveAllAsync"/>).
    /// </summary>
    private async Task<PlacementResult> GiveUpAsync(string key, IdempotencyRecord claim, IReadOnlyList<string> reservedSkus, string detail)
    {
        bool forgotten;
        try
        {
            forgotten = await idempotency.ForgetAsync(key, claim, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The claim stays in progress until its lease ends; then a retry takes it over and its reservations with it.
            logger.LogWarning(ex, "Could not free the idempotency claim of order {OrderId}", claim.OrderId);
            forgotten = false;
        }

        if (forgotten)
        {
            await stock.ReleaseBestEffortAsync(claim.OrderId, reservedSkus);
        }

        return new PlacementResult.Unavailable(detail);
    }

    // The outcome already happened; failing to record it must not turn it into an error. Until it is recorded, a retry
    // sees the claim in progress and resolves it from the stored order (or the lease). True if recorded.
    private async Task<bool> CompleteAsync(string key, IdempotencyRecord claim, IdempotencyOutcome outcome)
    {
        try
        {
            return await idempotency.CompleteAsync(key, claim, outcome, CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not record the outcome of order {OrderId}", claim.OrderId);
            return false;
        }
    }
}
