using System.Security.Claims;
using System.Text.Json;
using FlashSale.Ordering.Application;
using FlashSale.Ordering.Domain;
using FlashSale.Ordering.Infrastructure;
using FlashSale.ServiceDefaults;
using FlashSale.Sidecar;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.Options;

namespace FlashSale.Ordering.Api;

public static class OrdersEndpoints
{
    /// <summary>An order is small: at most 20 lines of a SKU and a quantity fit in a fraction of this.</summary>
    public const long MaxOrderBodyBytes = 16 * RequestBodyLimit.OneKiB;

    /// <summary>A cancel carries no body.</summary>
    public const long MaxCancelBodyBytes = RequestBodyLimit.OneKiB;

    public static IEndpointRouteBuilder MapOrdersEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var orders = endpoints.MapGroup("/orders").WithTags("Orders").RequireAuthorization(Roles.Customer);

        orders.MapPost("/", PlaceAsync)
            .WithRequestBodyLimit(MaxOrderBodyBytes)
            .Accepts<PlaceOrderRequest>("application/json")
            .WithSummary("Places an order: prices it, reserves its stock and waits for payment. Requires an Idempotency-Key header.");
        orders.MapPost("/{id}/cancel", CancelAsync)
            .WithRequestBodyLimit(MaxCancelBodyBytes)
            .WithSummary("Cancels an order that is awaiting payment and releases its stock.");
        return endpoints;
    }

    // The body is read here rather than bound, so that a value of the wrong type is reported by field like any other error.
    private static async Task<Results<Created<OrderResponse>, ValidationProblem, ProblemHttpResult>> PlaceAsync(
        HttpRequest request, ClaimsPrincipal user, OrderPlacement placement, IOptions<JsonOptions> json, ILoggerFactory loggers)
    {
        if (!request.HasJsonContentType())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type",
                detail: "Send the order as application/json.");
        }

        var errors = new Dictionary<string, string[]>();
        PlaceOrderValidation.ValidateIdempotencyKey(request.Headers, errors);
        var body = await ReadBodyAsync(request, json.Value.SerializerOptions, errors);
        if (errors.Count > 0 || body?.Items is null)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var command = new PlaceOrderCommand(user.UserId(), request.Headers[PlaceOrderValidation.IdempotencyKeyHeader].ToString(),
            body.Items.Select(item => (item!.Sku!, item.Quantity)).ToList());
        PlacementResult result;
        try
        {
            result = await placement.PlaceAsync(command);
        }
        catch (StateStoreUnavailableException ex)
        {
            // The store failed outside a compensated step. Whatever was done is settled later: a retry resolves the
            // claim from the stored order or takes it over after its lease, and unneeded reservations expire.
            loggers.CreateLogger(nameof(OrdersEndpoints)).LogError(ex, "The order store is unavailable");
            return Unavailable("Orders cannot be taken right now. Retry with the same Idempotency-Key.");
        }

        switch (result)
        {
            case PlacementResult.Placed placed:
                // Where order-query serves it (the gateway routes GET /api/orders/** there); ordering serves no reads.
                return TypedResults.Created(PublicPaths.For(request, $"/orders/{placed.Order.Id}"), OrderResponse.From(placed.Order));
            case PlacementResult.Refused refused:
                return RefusalProblem(refused.Refusal);
            case PlacementResult.KeyReusedForAnotherRequest:
                return TypedResults.Problem(statusCode: StatusCodes.Status422UnprocessableEntity, title: "Idempotency-Key reused",
                    detail: "This Idempotency-Key was used for a different order. Use a new key for a new order.");
            case PlacementResult.InProgress:
                request.HttpContext.Response.Headers.RetryAfter = "1";
                return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Order in progress",
                    detail: "A request with this Idempotency-Key is still being processed. Retry shortly with the same key.");
            case PlacementResult.Unavailable unavailable:
                return Unavailable(unavailable.Detail);
            default:
                throw new InvalidOperationException($"Unexpected placement result {result}");
        }
    }

    // Syntax first, then shape: a truncated document has no meaningful field to blame, a wrong type does.
    private static async Task<PlaceOrderRequest?> ReadBodyAsync(HttpRequest request, JsonSerializerOptions options, Dictionary<string, string[]> errors)
    {
        JsonDocument document;
        try
        {
            document = await JsonDocument.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
        }
        catch (JsonException)
        {
            errors["body"] = ["The body is not valid JSON."];
            return null;
        }

        using (document)
        {
            try
            {
                var body = document.Deserialize<PlaceOrderRequest>(options);
                PlaceOrderValidation.ValidateBody(body, errors);
                return body;
            }
            catch (JsonException ex)
            {
                errors[PlaceOrderValidation.FieldOf(ex.Path)] = ["This value has the wrong type."];
                return null;
            }
        }
    }

    private static async Task<Results<Ok<OrderResponse>, ProblemHttpResult>> CancelAsync(
        string id, ClaimsPrincipal user, OrderCancellation cancellation, CancellationToken cancellationToken)
    {
        try
        {
            return await cancellation.CancelAsync(id, RequesterOf(user), cancellationToken) switch
            {
                CancellationResult.Cancelled cancelled => TypedResults.Ok(OrderResponse.From(cancelled.Order)),
                CancellationResult.NotCancellable notCancellable => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict,
                    title: "Order cannot be cancelled",
                    detail: $"Order {id} is {notCancellable.Order.Status}; only an order awaiting payment can be cancelled."),
                _ => NotFound(id),
            };
        }
        catch (OrderConcurrencyException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Order is changing",
                detail: $"Order {id} is being updated by its payment right now. Look at it again, then retry.");
        }
    }

    /// <summary>A final refusal as the customer hears it; <c>skus</c> names what it is about.</summary>
    private static ProblemHttpResult RefusalProblem(PlacementRefusal refusal)
    {
        var (status, title, detail) = refusal.Reason switch
        {
            RefusalReason.SoldOut => (StatusCodes.Status409Conflict, "Sold out",
                $"There is not enough stock of '{refusal.Skus[0]}' for this order. Nothing was reserved or charged."),
            RefusalReason.UnknownSku => (StatusCodes.Status422UnprocessableEntity, "Unknown SKU",
                $"The catalog does not sell {string.Join(", ", refusal.Skus.Select(sku => $"'{sku}'"))}."),
            RefusalReason.MixedCurrencies => (StatusCodes.Status422UnprocessableEntity, "Mixed currencies",
                "These SKUs are priced in different currencies and cannot be paid together; place separate orders."),
            RefusalReason.CustomerLimit => (StatusCodes.Status409Conflict, "Limit per customer reached",
                $"This sale lets one customer buy at most {refusal.Limit} of '{refusal.Skus[0]}', counting your orders in progress. Nothing was reserved or charged."),
            _ => throw new InvalidOperationException($"Unexpected refusal {refusal.Reason}"),
        };
        var extensions = new Dictionary<string, object?> { ["skus"] = refusal.Skus };
        if (refusal.Limit is { } limit)
        {
            extensions["limit"] = limit;
        }

        return TypedResults.Problem(statusCode: status, title: title, detail: detail, extensions: extensions);
    }

    // Someone else's order answers exactly like a missing one, so ids cannot be probed.
    private static ProblemHttpResult NotFound(string id) =>
        TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Order not found", detail: $"There is no order {id} of yours.");

    private static ProblemHttpResult Unavailable(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Temporarily unavailable", detail: detail);

    private static Requester RequesterOf(ClaimsPrincipal user) => new(user.UserId(), user.IsInRole(Roles.Admin));
}
