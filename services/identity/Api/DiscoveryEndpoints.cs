using System.Text.Json.Serialization;
using FlashSale.Identity.Application;
using FlashSale.Identity.Infrastructure;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace FlashSale.Identity.Api;

/// <summary>
/// The OpenID Connect discovery document and the JSON Web Key Set, from which the gateway learns the issuer and the
/// public key to validate tokens with.
/// </summary>
public static class DiscoveryEndpoints
{
    public const string JwksPath = "/.well-known/jwks.json";

    public static IEndpointRouteBuilder MapDiscoveryEndpoints(this IEndpointRouteBuilder app)
    {
        var wellKnown = app.MapGroup("/.well-known").WithTags("Discovery");
        wellKnown.MapGet("/openid-configuration", (HttpRequest request, IOptions<IdentityOptions> options) =>
            {
                // Endpoints are addressed the way this request reached us: http://identity:8080 for the gateway's own
                // key fetch, the public host and /api/auth through the gateway (its X-Forwarded-* headers). The issuer
                // is not an address but the name tokens carry as iss, the same however the document is read.
                var baseUrl = $"{request.Scheme}://{request.Host}{request.PathBase}";
                return TypedResults.Ok(new DiscoveryDocument(
                    Issuer: options.Value.Issuer,
                    JwksUri: baseUrl + JwksPath,
                    TokenEndpoint: baseUrl + "/connect/token",
                    GrantTypesSupported: ["password"],
                    ResponseTypesSupported: ["token"],
                    SubjectTypesSupported: ["public"],
                    IdTokenSigningAlgValuesSupported: [SecurityAlgorithms.RsaSha256],
                    TokenEndpointAuthMethodsSupported: ["none"],
                    ClaimsSupported: ["sub", "role", "aud", "iss", "exp", "iat", "nbf", "jti"]));
            })
            .WithName("GetOpenIdConfiguration");
        wellKnown.MapGet("/jwks.json", (SigningKey key) => TypedResults.Ok(new PublishedKeySet([key.PublicJwk])))
            .WithName("GetJsonWebKeySet");
        return app;
    }
}

/// <summary>OpenID Connect Discovery 1.0 provider metadata, the members this issuer supports.</summary>
public sealed record DiscoveryDocument(
    [property: JsonPropertyName("issuer")] string Issuer,
    [property: JsonPropertyName("jwks_uri")] string JwksUri,
    [property: JsonPropertyName("token_endpoint")] string TokenEndpoint,
    [property: JsonPropertyName("grant_types_supported")] IReadOnlyList<string> GrantTypesSupported,
    [property: JsonPropertyName("response_types_supported")] IReadOnlyList<string> ResponseTypesSupported,
    [property: JsonPropertyName("subject_types_supported")] IReadOnlyList<string> SubjectTypesSupported,
    [property: JsonPropertyName("id_token_signing_alg_values_supported")] IReadOnlyList<string> IdTokenSigningAlgValuesSupported,
    [property: JsonPropertyName("token_endpoint_auth_methods_supported")] IReadOnlyList<string> TokenEndpointAuthMethodsSupported,
    [property: JsonPropertyName("claims_supported")] IReadOnlyList<string> ClaimsSupported);

/// <summary>A JSON Web Key Set (RFC 7517 §5).</summary>
public sealed record PublishedKeySet(IReadOnlyList<PublicJsonWebKey> Keys);
