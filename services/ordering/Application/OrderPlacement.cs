using System.Security.Cryptography;
using System.Text;
using FlashSale.Ordering.Domain;
using FlashSale.Ordering.Inventory;
using FlashSale.Ordering.Pricing;
using FlashSale.Ordering.Storage;

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
    public sealed record Refused(RecordedProblem Problem) : PlacementResult;

    public sealed record KeyReusedForAnotherRequest : PlacementResult;

    /// <summary>Another request with the same key is being processed right now.</summary>
    public sealed record InProgress : PlacementResult;

    /// <summary>A dependency failed; nothing was kept, so a retry with the same key starts afresh.</summary>
    public sealed record Unavailable(string Detail) : PlacementResult;
}

/// <summary>
/// Places an order: claim the idempotency key, price the lines (catalog), reserve every line (inventory actors), then
/// save the order and its <c>OrderPlaced</c> event in one outbox transaction. See docs/adr/0006 and 0007.
/// </summary>
internal sealed class OrderPlacement(
    IdempotencyStore idempotency, IPriceCatalog catalog, StockReservations stock, OrderStore orders, TimeProvider clock,
    ILogger<OrderPlacement> logger)
{
    /// <summary>How long pricing and reserving may take before the placement gives up.</summary>
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(10);

    /// <summary>
    /// After this, an unfinished claim is presumed abandoned (its request crashed) and a retry may take it over. Well
    /// above <see cref="Budget"/>, so a live request is never overtaken.
    /// </summary>
    internal static readonly TimeSpan ClaimLease = TimeSpan.FromSeconds(30);

    private static readonly IdempotencyOutcome Created = new(StatusCodes.Status201Created, Problem: null);

    /// <summary>
    /// Not cancellable by the client on purpose: once started, a placement runs to a recorded outcome, so that the
    /// client's retry with the same key finds it instead of a half-done attempt.
    /// </summary>
    public async Task<PlacementResult> PlaceAsync(PlaceOrderCommand command)
    {
        var key = IdempotencyStore.KeyFor(command.CustomerId, command.IdempotencyKey);
        var now = clock.GetUtcNow();
        var claim = new IdempotencyRecord(command.RequestHash, Guid.CreateVersion7(now).ToString("N"), now, Outcome: null);
        if (await idempotency.TryClaimAsync(key, claim, CancellationToken.None))
        {
            return await RunAsync(key, claim, command);
        }

        // The record can vanish between the two calls (expired, or freed after a failure): the client's retry starts afresh.
        if (await idempotency.FindAsync(key, CancellationToken.None) is not { } existing)
        {
            return new PlacementResult.InProgress();
        }

        var record = existing.Record;
        if (record.RequestHash != command.RequestHash)
        {
            return new PlacementResult.KeyReusedForAnotherRequest();
        }

        if (record.Outcome is { } outcome)
        {
            return await ReplayAsync(record, outcome);
        }

        // The request that claimed the key may have saved the order and died before recording it.
        if (await orders.FindAsync(record.OrderId, CancellationToken.None) is { } saved)
        {
            await CompleteAsync(key, record, Created);
            return new PlacementResult.Placed(saved.Order);
        }

        if (now - record.ClaimedAt < ClaimLease)
        {
            return new PlacementResult.InProgress();
        }

        // Only the request that wins the compare-and-swap takes over, and only it undoes the abandoned reservations.
        if (!await idempotency.TryReplaceAsync(key, claim, existing.ETag, CancellationToken.None))
        {
            return new PlacementResult.InProgress();
        }

        logger.LogWarning("Took over the abandoned placement of order {OrderId} as order {NewOrderId}", record.OrderId, claim.OrderId);
        await stock.ReleaseBestEffortAsync(record.OrderId, command.Skus);
        return await RunAsync(key, claim, command);
    }

    private async Task<PlacementResult> RunAsync(string key, IdempotencyRecord claim, PlaceOrderCommand command)
    {
        using var budget = new CancellationTokenSource(Budget, clock);
        PriceQuotes quotes;
        try
        {
            quotes = await catalog.GetQuotesAsync(command.Skus, budget.Token);
        }
        catch (CatalogUnavailableException ex)
        {
            logger.LogWarning(ex, "Cannot price order {OrderId}", claim.OrderId);
            return await GiveUpAsync(key, claim, "The catalog cannot price the order right now. Retry with the same Idempotency-Key.");
        }

        if (quotes.UnknownSkus.Count > 0)
        {
            return await RefuseAsync(key, claim, PlacementProblems.UnknownSkus(quotes.UnknownSkus));
        }

        if (quotes.BySku.Values.Select(quote => quote.Currency).Distinct().Count() > 1)
        {
            return await RefuseAsync(key, claim, PlacementProblems.MixedCurrencies(command.Skus));
        }

        switch (await stock.ReserveAllAsync(claim.OrderId, command.Lines, budget.Token))
        {
            case ReservationOutcome.SoldOut soldOut:
                return await RefuseAsync(key, claim, PlacementProblems.SoldOut(soldOut.Sku));
            case ReservationOutcome.Unavailable unavailable:
                logger.LogWarning(unavailable.Error, "Cannot reserve {Sku} for order {OrderId}", unavailable.Sku, claim.OrderId);
                return await GiveUpAsync(key, claim, "Stock cannot be reserved right now. Retry with the same Idempotency-Key.");
        }

        var lines = command.Lines.Select(line => new OrderLine(line.Sku, line.Quantity, quotes.BySku[line.Sku].UnitPrice)).ToList();
        var order = Order.Place(claim.OrderId, command.CustomerId, lines, quotes.BySku.Values.First().Currency, clock.GetUtcNow());
        if (!await TrySaveAsync(order))
        {
            await stock.ReleaseBestEffortAsync(order.Id, command.Skus);
            return await GiveUpAsync(key, claim, "The order could not be saved. Retry with the same Idempotency-Key.");
        }

        await CompleteAsync(key, claim, Created);
        return new PlacementResult.Placed(order);
    }

    /// <summary>
    /// True when the order is saved. A failed call does not always mean a failed commit (the answer can be lost after
    /// the commit), so the order is looked up before the caller undoes the reservations. If even that lookup fails, the
    /// claim and reservations are left alone: a retry after the lease finds the order, or the reservations expire.
    /// </summary>
    private async Task<bool> TrySaveAsync(Order order)
    {
        try
        {
            await orders.InsertAsync(order, OrderChanges.Placed(order), CancellationToken.None);
            return true;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Saving order {OrderId} failed", order.Id);
            return await orders.FindAsync(order.Id, CancellationToken.None) is not null;
        }
    }

    private async Task<PlacementResult> ReplayAsync(IdempotencyRecord record, IdempotencyOutcome outcome)
    {
        if (outcome.Problem is { } problem)
        {
            return new PlacementResult.Refused(problem);
        }

        var saved = await orders.FindAsync(record.OrderId, CancellationToken.None)
            ?? throw new InvalidOperationException($"Idempotency record says order {record.OrderId} was placed, but it is not stored");
        return new PlacementResult.Placed(saved.Order);
    }

    private async Task<PlacementResult> RefuseAsync(string key, IdempotencyRecord claim, RecordedProblem problem)
    {
        await CompleteAsync(key, claim, new IdempotencyOutcome(problem.Status, problem));
        return new PlacementResult.Refused(problem);
    }

    private async Task<PlacementResult> GiveUpAsync(string key, IdempotencyRecord claim, string detail)
    {
        try
        {
            await idempotency.ForgetAsync(key, claim, CancellationToken.None);
        }
        catch (Exception ex)
        {
            // The claim stays in progress until its lease ends; then a retry takes it over.
            logger.LogWarning(ex, "Could not free the idempotency claim of order {OrderId}", claim.OrderId);
        }

        return new PlacementResult.Unavailable(detail);
    }

    // The outcome already happened; failing to record it must not turn it into an error. Until it is recorded, a retry
    // sees the claim in progress and resolves it from the stored order (or the lease).
    private async Task CompleteAsync(string key, IdempotencyRecord claim, IdempotencyOutcome outcome)
    {
        try
        {
            await idempotency.CompleteAsync(key, claim, outcome, CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogWarning(ex, "Could not record the outcome of order {OrderId}", claim.OrderId);
        }
    }
}

internal static class PlacementProblems
{
    public static RecordedProblem SoldOut(string sku) => new(StatusCodes.Status409Conflict, "Sold out",
        $"There is not enough stock of '{sku}' for this order. Nothing was reserved or charged.", [sku]);

    public static RecordedProblem UnknownSkus(IReadOnlyList<string> skus) => new(StatusCodes.Status422UnprocessableEntity, "Unknown SKU",
        $"The catalog does not sell {string.Join(", ", skus.Select(sku => $"'{sku}'"))}.", skus);

    public static RecordedProblem MixedCurrencies(IReadOnlyList<string> skus) => new(StatusCodes.Status422UnprocessableEntity, "Mixed currencies",
        "These SKUs are priced in different currencies and cannot be paid together; place separate orders.", skus);
}
