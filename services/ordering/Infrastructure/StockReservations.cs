using Dapr;
using Dapr.Actors;
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

    public sealed record Unavailable(string Sku, Exception Error, IReadOnlyList<string> Held) : ReservationOutcome;
}

/// <summary>
/// Talks to inventory's <see cref="IStockActor"/> (one actor per SKU, keyed by order id). Every actor call is
/// idempotent per order id, so any of these may be repeated after a crash or a redelivered event.
/// </summary>
internal sealed class StockReservations(IActorProxyFactory actors, ILogger<StockReservations> logger)
{
    /// <summary>
    /// Reserves line by line, stopping at the first line that cannot be reserved. Releases nothing: while a retry with
    /// the same Idempotency-Key may take the placement over under the same order id, the reservations are its too, and a
    /// released one cannot be had again (the actor answers a repeated Reserve of it with "reserved" while holding
    /// nothing). Sequential on purpose: stopping at the first sold-out line holds no other customer's units in vain.
    /// </summary>
    public async Task<ReservationOutcome> ReserveAllAsync(
        string orderId, IReadOnlyList<(string Sku, int Quantity)> lines, CancellationToken cancellationToken)
    {
        var reserved = new List<string>(lines.Count);
        foreach (var (sku, quantity) in lines)
        {
            ReservationResult result;
            try
            {
                cancellationToken.ThrowIfCancellationRequested();
                result = await Actor(sku).ReserveAsync(new ReserveRequest(orderId, quantity));
            }
            catch (Exception ex)
            {
                // The failed call may still have reserved on the actor's side.
                return new ReservationOutcome.Unavailable(sku, ex, [.. reserved, sku]);
            }

            if (!result.Reserved)
            {
                return new ReservationOutcome.SoldOut(sku, reserved);
            }

            reserved.Add(sku);
        }

        return new ReservationOutcome.AllReserved();
    }

    /// <summary>
    /// Makes the actors agree with the order's status: a confirmed order's units are sold, a cancelled order's go back
    /// to stock, an unpaid order's stay reserved. Throws when an actor cannot be reached, so an event handler retries.
    /// </summary>
    public Task MatchAsync(Order order) => order.Status switch
    {
        OrderStatus.Confirmed => Task.WhenAll(order.Lines.Select(line => Actor(line.Sku).CommitAsync(order.Id))),
        OrderStatus.Cancelled => Task.WhenAll(order.Lines.Select(line => Actor(line.Sku).ReleaseAsync(order.Id))),
        _ => Task.CompletedTask,
    };

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
                await Actor(sku).ReleaseAsync(orderId);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "Could not release {Sku} for order {OrderId}; its reservation will expire instead", sku, orderId);
            }
        }
    }

    private IStockActor Actor(string sku) => actors.CreateActorProxy<IStockActor>(new ActorId(sku), StockActorType.Name);
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
        .AddSingleton<StockReservations>()
        .AddSingleton<IActorProxyFactory>(provider => new ActorProxyFactory(new ActorProxyOptions
        {
            HttpEndpoint = DaprDefaults.GetDefaultHttpEndpoint(provider.GetRequiredService<IConfiguration>()),
            UseJsonSerialization = true,
            RequestTimeout = PlacementTimeouts.StockActorCallTimeout,
        }));
}
