using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;

namespace FlashSale.Catalog.Api;

/// <summary>
/// HTTP ETags are the state store's ETags, quoted. Every change to a product must name the ETag its author read
/// (If-Match), so two admins editing at once cannot silently overwrite each other (ADR 0004).
/// </summary>
internal static class Preconditions
{
    public static string ToHttpETag(string storeETag) => $"\"{storeETag}\"";

    /// <summary>Documents the answers of an endpoint that changes an existing product.</summary>
    public static RouteHandlerBuilder ProducesChangeProblems(this RouteHandlerBuilder endpoint) => endpoint
        .ProducesProblem(StatusCodes.Status404NotFound)
        .ProducesProblem(StatusCodes.Status412PreconditionFailed)
        .ProducesProblem(StatusCodes.Status428PreconditionRequired);

    /// <summary>Returns the problem to answer, or null with the store ETag that <paramref name="ifMatch"/> names.</summary>
    public static ProblemHttpResult? ReadIfMatch(StringValues ifMatch, out string storeETag)
    {
        storeETag = string.Empty;
        if (StringValues.IsNullOrEmpty(ifMatch))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status428PreconditionRequired,
                title: "If-Match required",
                detail: "Send the ETag of the product as you read it in an If-Match header, so a concurrent change is not overwritten.");
        }

        // "*" is refused too: it would match whatever is stored now, which is exactly the blind overwrite to avoid.
        if (!EntityTagHeaderValue.TryParseStrictList(ifMatch, out var tags) || tags is not [{ IsWeak: false } tag] || tag.Equals(EntityTagHeaderValue.Any))
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status400BadRequest,
                title: "Invalid If-Match",
                detail: "If-Match must be exactly one strong ETag, as returned in the ETag header of the product.");
        }

        storeETag = tag.Tag.AsSpan(1, tag.Tag.Length - 2).ToString();
        return null;
    }
}
