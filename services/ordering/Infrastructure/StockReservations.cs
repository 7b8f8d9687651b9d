using Dapr;
using Dapr.Actors.Client;
using FlashSale.Contracts.Inventory;
using FlashSale.Ordering.Application;
using FlashSale.Ordering.Domain;

namespace FlashSale.Ordering.Infrastructure;

/// <summary>
/// The outcome of reserving every line of an order. <c>Held</c> names the SKUs that may hold units for the order; the
/// caller releases them once no retry can reuse the order id.
/// </summary>
internal abstract record ReservationOutcome
{
    public sealed record AllReserved : ReservationOutcome;

    public sealed record SoldOut(string Sku, IReadOnlyList<string> Held) : ReservationOutcome;

    public sealed record OverLimit(string Sku, int Limit, IReadOnlyList<string> Held) : ReservationOutcome;

    public sealed record Unavailable(string Sku, Exception Error, IReadOnlyList<string> Held) : ReservationOutcome;
}

/// <summary>
/// Talks to inventory's <see cref="IStockActor"/> (one actor per SKU) through <see cref="StockCalls"/>'s batches. Every
/// actor call is idempotent per order id, so any of these may be repeated after a crash or a redelivered event.
/// </summary>
internal sealed class StockReservations(StockCalls calls, ILogger<StockReservations> logger)
{
    /// <summary>
    /// Reserves line by line, stopping at the first line that cannot be reserved. Releases nothing: while a retry with
    /// the same Idempotency-Key may take the placement over under the same order id, the reservations are its too.
    /// Sequential on purpose: stopping at the first sold-out line holds no other customer's units in vain.
    /// <paramref name="mayRepeat"/>: the order id may have reserved before (a takeover), so the actor checks.
    /// </summary>
    public async Task<ReservationOutcome> ReserveAllAsync(
        string orderId, string customerId, IReadOnlyList<OrderLine> lines, bool mayRepeat, CancellationToken cancellationToken)
    {
        var reserved = new List<string>(lines.Count);
        foreach (var line in lines)
        {
            ReserveOutcome outcome;
            try
            {
                outcome = await calls.ReserveAsync(line.Sku,
                    new ReserveItem(orderId, line.Quantity, customerId, LimitOf(line), mayRepeat), cancellationToken);
            }
            catch (OperationCanceledException ex)
            {
                // Dropped before it was sent: it holds nothing.
                return new ReservationOutcome.Unavailable(line.Sku, ex, reserved);
            }
            catch (Exception ex)
            {
                // The failed call may still have reserved on the actor's side.
                return new ReservationOutcome.Unavailable(line.Sku, ex, [.. reserved, line.Sku]);
            }

            switch (outcome)
            {
                case ReserveOutcome.SoldOut:
                    return new ReservationOutcome.SoldOut(line.Sku, reserved);
                case ReserveOutcome.CustomerLimit:
                    return new ReservationOutcome.OverLimit(line.Sku, line.Limit!.UnitsPerCustomer, reserved);
            }

            reserved.Add(line.Sku);
        }

        return new ReservationOutcome.AllReserved();
    }

    /// <summary>
    /// Sells every line's units; per line, whether it is sold. A line whose reservation expired is taken again when the
    /// units are there. Throws when an actor cannot be reached, so an event handler retries.
    /// </summary>
    public async Task<IReadOnlyList<bool>> CommitAllAsync(Order order) =>
        await Task.WhenAll(order.Lines.Select(line => calls.CommitAsync(line.Sku, SettleItemOf(order, line))));

    /// <summary>Gives <paramref name="lines"/>' units back (reserved or sold). Throws when an actor cannot be reached.</summary>
    public Task ReleaseAsync(Order order, IEnumerable<OrderLine> lines) =>
        Task.WhenAll(lines.Select(line => calls.ReleaseAsync(line.Sku, SettleItemOf(order, line))));

    /// <summary>
    /// Makes the actors agree with a final order: a confirmed order's units are sold, a cancelled order's go back to
    /// stock, an unpaid order's stay reserved. Throws when an actor cannot be reached, so an event handler retries.
    /// </summary>
    public async Task MatchAsync(Order order)
    {
        switch (order.Status)
        {
            case OrderStatus.Confirmed:
                await CommitAllAsync(order);
                break;
            case OrderStatus.Cancelled:
                await ReleaseAsync(order, order.Lines);
                break;
        }
    }

    /// <summary>
    /// For compensation, where the original outcome must still reach the caller: a release that fails is logged, and
    /// the actor's reservation timeout gives those units back later.
    /// </summary>
    public async Task ReleaseBestEffortAsync(string orderId, IEnumerable<string> skus)
    {
        foreach (var sku in skus)
        {
            try
            {
                await calls.ReleaseAsync(sku, new SettleItem(orderId, Quantity: 0));
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Could not release {Sku} for order {OrderId}; its reservation will expire instead", sku, orderId);
            }
        }
    }

    private static SettleItem SettleItemOf(Order order, OrderLine line) => new(order.Id, line.Quantity, order.CustomerId, LimitOf(line));

    private static CustomerLimit? LimitOf(OrderLine line) =>
        line.Limit is { } limit ? new CustomerLimit(limit.SaleKey, limit.UnitsPerCustomer) : null;
}

public static class StockActorRegistration
{
    /// <summary>
    /// Proxies to inventory's StockActor through the sidecar. JSON serialization because the contract's request and
    /// result types are positional records, which remoting's default DataContract serializer does not support
    /// (dapr/dotnet-sdk#679); inventory must register its actors with the same setting. The sidecar's address comes
    /// from configuration first (DAPR_HTTP_ENDPOINT / DAPR_HTTP_PORT), like AddActors does, not only the environment.
    /// </summary>
    public static IServiceCollection AddStockActors(this IServiceCollection services) => services
        .AddSingleton<StockSignals>()
        .AddSingleton<StockCalls>()
        .AddSingleton<StockReservations>()
        .AddSingleton<IActorProxyFactory>(provider => new ActorProxyFactory(new ActorProxyOptions
        {
            HttpEndpoint = DaprDefaults.GetDefaultHttpEndpoint(provider.GetRequiredService<IConfiguration>()),
            UseJsonSerialization = true,
            RequestTimeout = PlacementTimeouts.StockActorCallTimeout,
        }));
}
