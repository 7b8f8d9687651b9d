using FlashSale.LoadGen.Infrastructure;
using FlashSale.LoadGen.Domain;

namespace FlashSale.LoadGen.Application;

/// <summary>
/// Single requests for <see cref="ClosedLoop"/>, the workloads a benchmark drives besides the flash sale itself:
/// browsing a product, and placing orders on one SKU (which turns into refusals once it is sold out).
/// </summary>
public static class Workloads
{
    /// <summary>Reads the product page, as <paramref name="shopper"/> (anonymous when null: the gateway limits that per client IP).</summary>
    public static Func<CancellationToken, Task<string>> Browse(GatewayClient gateway, string sku, SignedInUser? shopper = null) =>
        async cancellationToken =>
        {
            var token = shopper is null ? null : await shopper.TokenAsync(cancellationToken);
            return Label((await gateway.GetProductAsync(token, sku, cancellationToken)).ToPlacementAnswer());
        };

    /// <summary>
    /// One placement attempt per call, each a new order (a fresh Idempotency-Key) by the next customer of the pool, not
    /// retried: what the system answers is what is counted.
    /// </summary>
    public static Func<CancellationToken, Task<string>> PlaceOrders(GatewayClient gateway, CustomerPool customers, PreparedOrder order) =>
        async cancellationToken =>
        {
            var customer = customers.Next();
            var token = await customer.TokenAsync(cancellationToken);
            var answer = (await gateway.PlaceOrderAsync(token, order, Guid.NewGuid().ToString(), cancellationToken)).ToPlacementAnswer();
            if (answer.Status == 401)
            {
                customer.Refused(token);
            }

            return Label(answer);
        };

    /// <summary>"201", "409 Sold out", "no answer": the status, and the problem's title for a refusal.</summary>
    public static string Label(PlacementAnswer answer) => answer.ProblemLabel ?? answer.StatusLabel;
}
