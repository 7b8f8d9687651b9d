using Microsoft.AspNetCore.Http;

namespace FlashSale.ServiceDefaults;

/// <summary>Paths a backend hands out (<c>Location</c>, links), as the caller reaches them.</summary>
public static class PublicPaths
{
    /// <summary>
    /// <paramref name="path"/> under the prefix the gateway removed (<c>X-Forwarded-Prefix</c>, read into the request's
    /// PathBase by <c>UseServiceDefaults</c>), e.g. <c>/orders/42</c> answered to <c>POST /api/orders</c> is
    /// <c>/api/orders/42</c>. Absolute, so it resolves the same whatever the request path looked like.
    /// </summary>
    public static string For(HttpRequest request, string path) => request.PathBase.Add(new PathString(path)).ToString();
}
