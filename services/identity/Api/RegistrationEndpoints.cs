using FlashSale.Identity.Application;
using FlashSale.ServiceDefaults;
using Microsoft.AspNetCore.Http.HttpResults;

namespace FlashSale.Identity.Api;

/// <summary>
/// <c>POST /register</c>: a customer signs up (gateway: <c>POST /api/auth/register</c>, where it is rate-limited per
/// client). Admins and other roles are never created here; they are configured.
/// </summary>
public static class RegistrationEndpoints
{
    public const long MaxBodyBytes = 4 * RequestBodyLimit.OneKiB;

    public static IEndpointRouteBuilder MapRegistrationEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/register", RegisterAsync)
            .WithName("Register")
            .WithRequestBodyLimit(MaxBodyBytes)
            .WithTags("Registration")
            .WithSummary("Creates a customer account; sign in afterwards with POST /connect/token")
            .Accepts<SignUpRequest>("application/json")
            .ProducesProblem(StatusCodes.Status409Conflict);
        return app;
    }

    private static async Task<Results<Created<RegisteredUser>, ValidationProblem, ProblemHttpResult>> RegisterAsync(
        SignUpRequest request, UserDirectory users, CancellationToken cancellationToken) =>
        await users.RegisterAsync(request.Username, request.Password, cancellationToken) switch
        {
            SignUpResult.Registered registered => TypedResults.Created(
                (string?)null, new RegisteredUser(registered.Account.UserName, registered.Account.Roles)),
            SignUpResult.Invalid invalid => TypedResults.ValidationProblem(invalid.Errors),
            SignUpResult.NameTaken taken => TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "User name taken",
                detail: $"'{taken.UserName}' is already registered. Choose another name, or sign in if it is yours."),
            var other => throw new InvalidOperationException($"Unexpected sign-up result {other}"),
        };
}

public sealed record SignUpRequest(string? Username, string? Password);

public sealed record RegisteredUser(string Username, IReadOnlyList<string> Roles);
