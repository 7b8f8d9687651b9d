using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Authentication;

namespace FlashSale.Storefront.Api;

/// <summary>Signing out: a POST (with the antiforgery token of the layout's form), so no link or image can sign anyone out.</summary>
public static class AccountEndpoints
{
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/signout", async (HttpContext http) =>
        {
            await http.SignOutAsync();
            return TypedResults.LocalRedirect("/");
        }).WithName("SignOut").WithMetadata(new RequireAntiforgeryTokenAttribute());
        return app;
    }
}
