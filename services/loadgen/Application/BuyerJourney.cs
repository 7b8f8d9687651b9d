using FlashSale.LoadGen.Infrastructure;
using FlashSale.LoadGen.Domain;

namespace FlashSale.LoadGen.Application;

/// <summary>
/// One buyer of the flash sale: looks at the product, clicks "buy" (an order with its own Idempotency-Key, retried
/// with the same key while the answer may be transient), then follows its order until it is Confirmed or Cancelled.
/// </summary>
internal sealed class BuyerJourney(GatewayClient gateway, PreparedOrder order, LoadOptions options, RunStatistics statistics, TimeProvider clock)
{
    private readonly SemaphoreSlim? _streamSlots = options.MaxOpenStreams is { } slots ? new SemaphoreSlim(slots) : null;

    /// <summary>
    /// The whole journey. Returns the label of the placement's final answer. With <paramref name="followElsewhere"/>,
    /// following the order is handed to it instead of awaited, so that a closed-loop buyer can place its next order.
    /// </summary>
    public async Task<string> RunAsync(Arrival arrival, SignedInUser customer, CancellationToken cancellationToken, Action<Task>? followElsewhere = null)
    {
        statistics.BuyerArrived();
        try
        {
            var clickedAt = arrival.DueTimestamp;
            if (options.Browse)
            {
                await gateway.GetProductAsync(await customer.TokenAsync(cancellationToken), order.Sku, cancellationToken);
                statistics.Browse.Record(clock.GetElapsedTime(arrival.DueTimestamp));
                clickedAt = clock.GetTimestamp();
            }

            var (step, last, placed) = await PlaceAsync(customer, cancellationToken);
            statistics.PlacementEnded(step, clock.GetElapsedTime(clickedAt));
            if (placed is not null)
            {
                var following = FollowAsync(customer, placed, cancellationToken);
                if (followElsewhere is null)
                {
                    await following;
                }
                else
                {
                    followElsewhere(following);
                }
            }

            return Workloads.Label(last);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run was stopped: what this buyer had not finished stays unfinished in the report.
            return "stopped";
        }
        catch (SetupFailedException)
        {
            // Signing in again failed (its refresh gave up): the buyer goes away, counted among those who gave up.
            statistics.PlacementEnded(new PlacementStep.GaveUp(), TimeSpan.Zero);
            return "no token";
        }
        finally
        {
            statistics.BuyerLeft();
        }
    }

    private async Task<(PlacementStep Step, PlacementAnswer Last, TrackedOrder? Order)> PlaceAsync(SignedInUser customer, CancellationToken cancellationToken)
    {
        var idempotencyKey = Guid.NewGuid().ToString();
        for (var attempt = 1; ; attempt++)
        {
            var token = await customer.TokenAsync(cancellationToken);
            var answer = await gateway.PlaceOrderAsync(token, order, idempotencyKey, cancellationToken);
            var placement = answer.ToPlacementAnswer();
            statistics.Attempted(placement);
            var step = options.Retry.Next(placement, attempt);
            switch (step)
            {
                case PlacementStep.Placed when answer.Value is { } placed:
                    var tracked = new TrackedOrder(placed.Id, order.Quantity);
                    statistics.Orders.Enqueue(tracked);
                    return (step, placement, tracked);
                case PlacementStep.Placed:
                    // A 201 whose body is unreadable: the order exists but cannot be followed.
                    return (new PlacementStep.GaveUp(), placement, null);
                case PlacementStep.Retry retry:
                    await Task.Delay(retry.Wait, clock, cancellationToken);
                    break;
                case PlacementStep.SignInAgain:
                    customer.Refused(token);
                    break;
                default:
                    return (step, placement, null);
            }
        }
    }

    /// <summary>
    /// Follows the order (<see cref="LoadOptions.Follow"/>) until it settles or its settle deadline passes. The read
    /// side has the order only a moment after the 201, and a stream can drop: each new attempt waits twice as long as
    /// the one before, up to <see cref="LoadOptions.MaxPollInterval"/>.
    /// </summary>
    private async Task FollowAsync(SignedInUser customer, TrackedOrder placed, CancellationToken cancellationToken)
    {
        var placedAt = clock.GetTimestamp();
        using var deadline = new CancellationTokenSource(options.SettleTimeout, clock);
        using var following = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            await FollowUntilSettledAsync(customer, placed, placedAt, following.Token);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // Not settled within its deadline: the report counts it as unsettled.
        }
    }

    private async Task FollowUntilSettledAsync(SignedInUser customer, TrackedOrder placed, long placedAt, CancellationToken cancellationToken)
    {
        var longestWait = TimeSpan.FromTicks(Math.Max(options.PollInterval.Ticks, options.MaxPollInterval.Ticks));
        for (var wait = options.PollInterval; ; wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, longestWait.Ticks)))
        {
            await Task.Delay(wait, clock, cancellationToken);
            var token = await customer.TokenAsync(cancellationToken);
            var answer = options.Follow == OrderFollowing.Stream
                ? await StreamUntilSettledAsync(token, placed.Id, cancellationToken)
                : await gateway.GetOrderAsync(token, placed.Id, cancellationToken);
            if (answer is { Succeeded: true, Value.IsSettled: true })
            {
                statistics.OrderSettled(placed, answer.Value.Status, placedAt);
                return;
            }

            if (answer.Status == 401)
            {
                customer.Refused(token);
            }
            else if (answer.RetryAfter is { } retryAfter && answer.Status == 429)
            {
                await Task.Delay(retryAfter, clock, cancellationToken);
            }
        }
    }

    private async Task<GatewayAnswer<OrderView>> StreamUntilSettledAsync(string token, string orderId, CancellationToken cancellationToken)
    {
        if (_streamSlots is not null)
        {
            await _streamSlots.WaitAsync(cancellationToken);
        }

        try
        {
            return await gateway.FollowOrderUntilSettledAsync(token, orderId, cancellationToken);
        }
        finally
        {
            _streamSlots?.Release();
        }
    }
}
