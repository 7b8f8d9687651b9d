using Microsoft.AspNetCore.Diagnostics;

namespace FlashSale.Storefront.Api;

/// <summary>
/// A page that answers with an error status of its own (403 for a customer on an admin page) and renders its own
/// explanation: the status-code-pages middleware must not replace that body with the generic page.
/// </summary>
public static class StatusPages
{
    public static void Answer(HttpContext? http, int statusCode)
    {
        if (http is not { Response.HasStarted: false })
        {
            return;
        }

        http.Response.StatusCode = statusCode;
        if (http.Features.Get<IStatusCodePagesFeature>() is { } statusCodePages)
        {
            statusCodePages.Enabled = false;
        }
    }
}
