using FlashSale.Catalog.Application;
using FlashSale.Catalog.Infrastructure;
using FlashSale.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace FlashSale.Catalog.Api;

/// <summary>
/// <c>/products</c>: browsing is anonymous; changes need the admin role. The gateway enforces that already; checking
/// it again here keeps a misrouted or in-mesh call from changing the catalog.
/// </summary>
public static class ProductsEndpoints
{
    public const int MaxPageSize = 100;

    /// <summary>A product's details; its description is free text, so a little more than other bodies.</summary>
    public const long MaxProductBodyBytes = 32 * RequestBodyLimit.OneKiB;

    public static IEndpointRouteBuilder MapProductsEndpoints(this IEndpointRouteBuilder app)
    {
        var products = app.MapGroup("/products").WithTags("Products");
        products.MapGet("/", ListAsync).AllowAnonymous();
        products.MapGet("/{sku}", GetAsync).AllowAnonymous()
            .ProducesProblem(StatusCodes.Status404NotFound);
        products.MapPost("/", CreateAsync).RequireAuthorization(Roles.Admin).WithRequestBodyLimit(MaxProductBodyBytes)
            .ProducesProblem(StatusCodes.Status409Conflict);
        products.MapPut("/{sku}", UpdateAsync).RequireAuthorization(Roles.Admin).WithRequestBodyLimit(MaxProductBodyBytes)
            .ProducesChangeProblems();
        products.MapDelete("/{sku}", DeleteAsync).RequireAuthorization(Roles.Admin)
            .ProducesChangeProblems();
        return app;
    }

    private static async Task<Results<Ok<ProductListResponse>, ValidationProblem>> ListAsync(
        ProductStore store, TimeProvider clock, CancellationToken cancellationToken, int page = 1, int pageSize = 20)
    {
        var errors = Paging.Validate(page, pageSize, MaxPageSize);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors);
        }

        var found = await store.ListAsync(Paging.Offset(page, pageSize), pageSize, cancellationToken);
        var now = clock.GetUtcNow();
        return TypedResults.Ok(new ProductListResponse(
            page, pageSize, found.TotalCount, found.Items.Select(stored => ProductSummary.From(stored.Product, now)).ToList()));
    }

    private static async Task<Results<Ok<ProductResponse>, ProblemHttpResult>> GetAsync(
        string sku, ProductStore store, TimeProvider clock, HttpResponse response, CancellationToken cancellationToken)
    {
        if (await store.FindAsync(sku, cancellationToken) is not { } stored)
        {
            return WriteResult.NotFound.Product(sku).ToProblem();
        }

        response.Headers.ETag = Preconditions.ToHttpETag(stored.ETag);
        return TypedResults.Ok(ProductResponse.From(stored.Product, stored.Version, clock.GetUtcNow()));
    }

    private static async Task<Results<Created<ProductResponse>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        CreateProductRequest request, ProductCatalog catalog, TimeProvider clock, HttpResponse response, CancellationToken cancellationToken) =>
        await catalog.CreateAsync(request.ToDraft(), cancellationToken) switch
        {
            WriteResult.Saved saved => TypedResults.Created(
                PublicPaths.For(response.HttpContext.Request, $"/products/{saved.Product.Sku}"), saved.ToResponse(response, clock)),
            WriteResult.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            var other => other.ToProblem(),
        };

    private static async Task<Results<Ok<ProductResponse>, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        string sku, UpdateProductRequest request, [FromHeader(Name = "If-Match")] string? ifMatch,
        ProductCatalog catalog, TimeProvider clock, HttpResponse response, CancellationToken cancellationToken)
    {
        if (Preconditions.ReadIfMatch(ifMatch, out var etag) is { } problem)
        {
            return problem;
        }

        var result = await catalog.UpdateAsync(sku, etag, request.ToDraft(sku), cancellationToken);
        return result.ToOk(response, clock);
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> DeleteAsync(
        string sku, [FromHeader(Name = "If-Match")] string? ifMatch, ProductCatalog catalog, CancellationToken cancellationToken)
    {
        if (Preconditions.ReadIfMatch(ifMatch, out var etag) is { } problem)
        {
            return problem;
        }

        var result = await catalog.DeleteAsync(sku, etag, cancellationToken);
        return result is WriteResult.Deleted ? TypedResults.NoContent() : result.ToProblem();
    }
}
