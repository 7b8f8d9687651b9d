using System.Text.Json;
using System.Text.Json.Serialization;
using FlashSale.Identity.Domain;
using FlashSale.Identity.Application;
using FlashSale.Identity.Infrastructure;
using FlashSale.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.Identity.Api;

/// <summary>
/// <c>POST /connect/token</c>: the OAuth2 resource-owner password grant, as a form (RFC 6749 §4.3) or, for curl
/// friendliness, as JSON <c>{ "username", "password" }</c>. Problems carry the OAuth2 <c>error</c> code as an extension.
/// </summary>
public static class TokenEndpoints
{
    public const long MaxBodyBytes = 4 * RequestBodyLimit.OneKiB;

    public static IEndpointRouteBuilder MapTokenEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/connect/token", IssueTokenAsync)
            .WithName("IssueToken")
            .WithRequestBodyLimit(MaxBodyBytes)
            .WithTags("Token")
            .WithSummary("Exchanges a user name and password for a 15-minute access token")
            .Accepts<PasswordLogin>("application/json", "application/x-www-form-urlencoded")
            .ProducesProblem(StatusCodes.Status401Unauthorized)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType);
        return app;
    }

    private static async Task<Results<Ok<TokenResponse>, ValidationProblem, ProblemHttpResult>> IssueTokenAsync(
        HttpContext http, UserDirectory users, AccessTokenIssuer issuer, CancellationToken cancellationToken)
    {
        TokenRequest? request;
        try
        {
            request = await TokenRequest.ReadAsync(http.Request, cancellationToken);
        }
        catch (JsonException)
        {
            return OAuthProblem(StatusCodes.Status400BadRequest, "invalid_request", "The request body is not valid JSON.");
        }

        if (request is null)
        {
            return OAuthProblem(StatusCodes.Status415UnsupportedMediaType, "invalid_request",
                "Send application/x-www-form-urlencoded or application/json.");
        }

        if (request.GrantType is { Length: > 0 } grantType && grantType != TokenRequest.PasswordGrant)
        {
            return OAuthProblem(StatusCodes.Status400BadRequest, "unsupported_grant_type",
                $"Only the '{TokenRequest.PasswordGrant}' grant is supported.");
        }

        if (request.Validate() is { Count: > 0 } errors)
        {
            return TypedResults.ValidationProblem(errors, extensions: ErrorCode("invalid_request"));
        }

        if (await users.AuthenticateAsync(request.UserName!, request.Password!, cancellationToken) is not { } account)
        {
            // One answer for unknown user and wrong password, so the endpoint cannot be used to discover accounts.
            return OAuthProblem(StatusCodes.Status401Unauthorized, "invalid_grant", "The user name or password is incorrect.");
        }

        // RFC 6749 §5.1: responses carrying tokens must not be cached.
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Ok(new TokenResponse(
            issuer.Issue(account), "Bearer", (int)AccessTokenIssuer.Lifetime.TotalSeconds));
    }

    private static ProblemHttpResult OAuthProblem(int status, string error, string detail) =>
        TypedResults.Problem(detail, statusCode: status, extensions: ErrorCode(error));

    private static Dictionary<string, object?> ErrorCode(string error) => new() { ["error"] = error };
}

/// <summary>The JSON form of a sign-in; <c>grant_type</c> may be omitted and defaults to <c>password</c>.</summary>
public sealed record PasswordLogin(
    string? Username,
    string? Password,
    [property: JsonPropertyName("grant_type")] string? GrantType = null);

public sealed record TokenResponse(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("token_type")] string TokenType,
    [property: JsonPropertyName("expires_in")] int ExpiresIn);

internal sealed record TokenRequest(string? GrantType, string? UserName, string? Password)
{
    public const string PasswordGrant = "password";

    /// <summary>The request from a form or a JSON body; <c>null</c> for any other content type.</summary>
    public static async Task<TokenRequest?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            return new TokenRequest(form["grant_type"], form["username"], form["password"]);
        }

        if (request.HasJsonContentType())
        {
            var login = await request.ReadFromJsonAsync<PasswordLogin>(cancellationToken);
            return new TokenRequest(login?.GrantType ?? PasswordGrant, login?.Username, login?.Password);
        }

        return null;
    }

    public Dictionary<string, string[]> Validate()
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrEmpty(GrantType))
        {
            errors["grant_type"] = ["The grant_type field is required."];
        }

        if (string.IsNullOrWhiteSpace(UserName))
        {
            errors["username"] = ["The username field is required."];
        }

        if (string.IsNullOrEmpty(Password))
        {
            errors["password"] = ["The password field is required."];
        }

        return errors;
    }
}
