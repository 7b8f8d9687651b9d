using Dapr.Actors;
using Dapr.Actors.Client;
using FlashSale.Contracts.Inventory;
using FlashSale.Inventory.Domain;
using FlashSale.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using FlashSale.Contracts;

namespace FlashSale.Inventory.Api;

/// <summary>The admin API over the stock actors. Calls go through the Dapr sidecar, as every other actor call does.</summary>
public static class StockEndpoints
{
    public const long MaxBodyBytes = 4 * RequestBodyLimit.OneKiB;

    public static IEndpointRouteBuilder MapStockEndpoints(this IEndpointRouteBuilder endpoints)
    {
        var stock = endpoints.MapGroup("/stock").RequireAuthorization(Roles.Admin).WithTags("Stock");
        stock.MapPut("/{sku}", SetStock).WithRequestBodyLimit(MaxBodyBytes).WithSummary("Sets the units free for sale; reserved and sold units are kept.");
        stock.MapGet("/{sku}", GetStock).WithSummary("The SKU's available, reserved and sold units (zero if never stocked).");
        return endpoints;
    }

    private static async Task<Results<Ok<StockLevels>, ValidationProblem>> SetStock(
        string sku, SetStockRequest request, IActorProxyFactory actors)
    {
        var errors = Validate(sku);
        if (request.Available is not (>= 0 and <= StockLedger.MaxUnits))
        {
            errors["available"] = [$"available is required and must be between 0 and {StockLedger.MaxUnits}."];
        }

        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var actor = StockOf(actors, sku);
        await actor.SetStockAsync(request.Available!.Value);
        return TypedResults.Ok(await actor.GetLevelsAsync());
    }

    private static async Task<Results<Ok<StockLevels>, ValidationProblem>> GetStock(string sku, IActorProxyFactory actors)
    {
        var errors = Validate(sku);
        return errors.Count > 0
            ? TypedResults.ValidationProblem(errors)
            : TypedResults.Ok(await StockOf(actors, sku).GetLevelsAsync());
    }

    private static Dictionary<string, string[]> Validate(string sku) => Identifiers.IsSku(sku)
        ? []
        : new() { ["sku"] = [$"sku must be {Identifiers.SkuRule}."] };

    private static IStockActor StockOf(IActorProxyFactory actors, string sku) =>
        actors.CreateActorProxy<IStockActor>(new ActorId(sku), StockActorType.Name);
}

/// <summary>Body of <c>PUT /stock/{sku}</c>. Nullable so that a missing value is a validation error, not a zero.</summary>
public sealed record SetStockRequest(int? Available);
