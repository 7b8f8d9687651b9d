using FlashSale.Catalog.Application;
using System.Diagnostics;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.Catalog.Api;

/// <summary>The HTTP answers to a <see cref="WriteResult"/>, shared by every write endpoint.</summary>
internal static class WriteResults
{
    public static Results<Ok<ProductResponse>, ValidationProblem, ProblemHttpResult> ToOk(
        this WriteResult result, HttpResponse response, TimeProvider clock) => result switch
        {
            WriteResult.Saved saved => TypedResults.Ok(saved.ToResponse(response, clock)),
            WriteResult.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            _ => result.ToProblem(),
        };

    /// <summary>The saved product as the response body; sets the ETag header to its new version's.</summary>
    public static ProductResponse ToResponse(this WriteResult.Saved saved, HttpResponse response, TimeProvider clock)
    {
        if (saved.ETag is not null)
        {
            response.Headers.ETag = Preconditions.ToHttpETag(saved.ETag);
        }

        return ProductResponse.From(saved.Product, saved.Version, clock.GetUtcNow());
    }

    public static ProblemHttpResult ToProblem(this WriteResult result) => result switch
    {
        WriteResult.NotFound notFound => TypedResults.Problem(
            statusCode: StatusCodes.Status404NotFound, title: "Not found", detail: notFound.Detail),
        WriteResult.AlreadyExists exists => TypedResults.Problem(
            statusCode: StatusCodes.Status409Conflict, title: "SKU already exists",
            detail: $"A product with SKU '{exists.Sku}' exists; change it with PUT /products/{exists.Sku}."),
        WriteResult.Stale stale => TypedResults.Problem(
            statusCode: StatusCodes.Status412PreconditionFailed, title: "Product changed",
            detail: $"Product '{stale.Sku}' changed since you read it. GET it again for its current ETag and reapply your change."),
        _ => throw new UnreachableException($"{result.GetType().Name} has no problem response"),
    };
}
