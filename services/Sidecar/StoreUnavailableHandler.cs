using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Logging;

namespace FlashSale.Sidecar;

/// <summary>
/// Answers a request that met an unavailable state store with 503 problem+json and <c>Retry-After</c>, instead of a
/// 500: nothing was changed, and the same request can simply be sent again.
/// </summary>
internal sealed class StoreUnavailableHandler(IProblemDetailsService problems, ILogger<StoreUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not StateStoreUnavailableException unavailable)
        {
            return false;
        }

        logger.LogError(exception, "The state store {StoreName} is unavailable", unavailable.StoreName);
        http.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        http.Response.Headers.RetryAfter = "1";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Temporarily unavailable",
                Detail = "The service cannot reach its data right now. Nothing was changed; retry shortly.",
            },
        });
    }
}
