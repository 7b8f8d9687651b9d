using FlashSale.Catalog.Application;
using FlashSale.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;

namespace FlashSale.Catalog.Api;

/// <summary>
/// <c>/products/{sku}/sale</c>: a product's flash sale is part of the product, so changing it takes the product's
/// ETag (If-Match) and answers with the product's new ETag.
/// </summary>
public static class SalesEndpoints
{
    public const long MaxSaleBodyBytes = 4 * RequestBodyLimit.OneKiB;

    public static IEndpointRouteBuilder MapSalesEndpoints(this IEndpointRouteBuilder app)
    {
        var sale = app.MapGroup("/products/{sku}/sale").WithTags("Flash sales").RequireAuthorization(Roles.Admin);
        sale.MapPut("/", ScheduleAsync).WithRequestBodyLimit(MaxSaleBodyBytes).ProducesChangeProblems();
        sale.MapDelete("/", CancelAsync).ProducesChangeProblems();
        return app;
    }

    /// <summary>Schedules the flash sale, or reschedules it: a product has at most one.</summary>
    private static async Task<Results<Ok<ProductResponse>, ValidationProblem, ProblemHttpResult>> ScheduleAsync(
        string sku, ScheduleSaleRequest request, [FromHeader(Name = "If-Match")] string? ifMatch,
        ProductCatalog catalog, TimeProvider clock, HttpResponse response, CancellationToken cancellationToken)
    {
        if (Preconditions.ReadIfMatch(ifMatch, out var etag) is { } problem)
        {
            return problem;
        }

        var result = await catalog.ScheduleSaleAsync(sku, etag, request.ToDraft(), cancellationToken);
        return result.ToOk(response, clock);
    }

    private static async Task<Results<Ok<ProductResponse>, ValidationProblem, ProblemHttpResult>> CancelAsync(
        string sku, [FromHeader(Name = "If-Match")] string? ifMatch,
        ProductCatalog catalog, TimeProvider clock, HttpResponse response, CancellationToken cancellationToken)
    {
        if (Preconditions.ReadIfMatch(ifMatch, out var etag) is { } problem)
        {
            return problem;
        }

        var result = await catalog.CancelSaleAsync(sku, etag, cancellationToken);
        return result.ToOk(response, clock);
    }
}
