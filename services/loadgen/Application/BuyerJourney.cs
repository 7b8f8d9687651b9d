using FlashSale.LoadGen.Api;
using FlashSale.LoadGen.Domain;

namespace FlashSale.LoadGen.Application;

/// <summary>
/// One buyer of the flash sale: looks at the product, clicks "buy" (an order with its own Idempotency-Key, retried
/// with the same key while the answer may be transient), then follows its order until it is Confirmed or Cancelled.
/// </summary>
internal sealed class BuyerJourney(GatewayClient gateway, PreparedOrder order, LoadOptions options, RunStatistics statistics, TimeProvider clock)
{
    public async Task RunAsync(Arrival arrival, SignedInUser customer, CancellationToken cancellationToken)
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

            var (step, placed) = await PlaceAsync(customer, cancellationToken);
            statistics.PlacementEnded(step, clock.GetElapsedTime(clickedAt));
            if (placed is not null)
            {
                await FollowAsync(customer, placed, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The run was stopped: what this buyer had not finished stays unfinished in the report.
        }
        catch (SetupFailedException)
        {
            // Signing in again failed (its refresh gave up): the buyer goes away, counted among those who gave up.
            statistics.PlacementEnded(new PlacementStep.GaveUp(), TimeSpan.Zero);
        }
        finally
        {
            statistics.BuyerLeft();
        }
    }

    private async Task<(PlacementStep Step, TrackedOrder? Order)> PlaceAsync(SignedInUser customer, CancellationToken cancellationToken)
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
                    return (step, tracked);
                case PlacementStep.Placed:
                    // A 201 whose body is unreadable: the order exists but cannot be followed.
                    return (new PlacementStep.GaveUp(), null);
                case PlacementStep.Retry retry:
                    await Task.Delay(retry.Wait, clock, cancellationToken);
                    break;
                case PlacementStep.SignInAgain:
                    customer.Refused(token);
                    break;
                default:
                    return (step, null);
            }
        }
    }

    /// <summary>Polls the read side until the order settles or its settle deadline passes.</summary>
    private async Task FollowAsync(SignedInUser customer, TrackedOrder placed, CancellationToken cancellationToken)
    {
        var placedAt = clock.GetTimestamp();
        while (clock.GetElapsedTime(placedAt) < options.SettleTimeout)
        {
            await Task.Delay(options.PollInterval, clock, cancellationToken);
            var token = await customer.TokenAsync(cancellationToken);
            var answer = await gateway.GetOrderAsync(token, placed.Id, cancellationToken);
            if (answer is { Succeeded: true, Value.IsSettled: true })
            {
                statistics.OrderSettled(placed, answer.Value.Status, clock.GetElapsedTime(placedAt));
                return;
            }

            if (answer.Status == 401)
            {
                customer.Refused(token);
            }
            else if (answer.RetryAfter is { } wait && answer.Status == 429)
            {
                await Task.Delay(wait, clock, cancellationToken);
            }
        }
    }
}
