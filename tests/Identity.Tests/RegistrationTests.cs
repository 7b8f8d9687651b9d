using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlashSale.Identity.Infrastructure;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace FlashSale.Identity.Tests;

/// <summary>Customer sign-up: a new name becomes an account that can sign in; anything else is refused and stores nothing.</summary>
public sealed class RegistrationTests : IClassFixture<IdentityFactory>
{
    private readonly IdentityFactory _identity;
    private readonly WebApplicationFactory<IdentityAssemblyMarker> _fast;
    private readonly HttpClient _client;

    public RegistrationTests(IdentityFactory identity)
    {
        _identity = identity;
        // Few iterations: these tests are about sign-up, not about the cost of a production-strength hash.
        _fast = identity.WithSettings(new Dictionary<string, string?> { ["Identity:PasswordHashIterations"] = "1000" });
        _client = _fast.CreateClient();
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_new_customer_signs_up_and_then_signs_in_as_a_customer()
    {
        var name = NewName();

        using var registered = await RegisterAsync(name, "correct horse battery");
        using var signedIn = await _client.PostJsonAsync(new { username = name.ToUpperInvariant(), password = "correct horse battery" });

        Assert.Equal(HttpStatusCode.Created, registered.StatusCode);
        var body = await registered.ReadJsonAsync();
        Assert.Equal(name, body.GetProperty("username").GetString());
        Assert.Equal(["customer"], body.GetProperty("roles").EnumerateArray().Select(role => role.GetString()));
        Assert.Equal(HttpStatusCode.OK, signedIn.StatusCode);
        var token = new JsonWebToken((await signedIn.ReadJsonAsync()).GetProperty("access_token").GetString());
        Assert.Equal(name, token.Subject);
        Assert.Equal(["customer"], token.Claims.Where(claim => claim.Type == "role").Select(claim => claim.Value));
    }

    [Fact]
    public async Task A_wrong_password_for_a_registered_customer_is_the_same_401_as_for_nobody()
    {
        var name = NewName();
        (await RegisterAsync(name, "correct horse battery")).EnsureSuccessStatusCode();

        using var wrong = await _client.PostJsonAsync(new { username = name, password = "incorrect horse battery" });
        using var nobody = await _client.PostJsonAsync(new { username = NewName(), password = "incorrect horse battery" });

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal((await nobody.ReadJsonAsync()).GetProperty("detail").GetString(), (await wrong.ReadJsonAsync()).GetProperty("detail").GetString());
    }

    [Fact]
    public async Task A_taken_name_in_any_case_is_409_and_the_first_account_keeps_its_password()
    {
        var name = NewName();
        (await RegisterAsync(name, "the first password")).EnsureSuccessStatusCode();

        using var again = await RegisterAsync(name.ToUpperInvariant(), "the second password");
        using var seed = await RegisterAsync("Admin", "a seed account's new password");
        using var original = await _client.PostJsonAsync(new { username = name, password = "the first password" });

        await AssertProblemAsync(again, HttpStatusCode.Conflict, "User name taken");
        await AssertProblemAsync(seed, HttpStatusCode.Conflict, "User name taken");
        Assert.Equal(HttpStatusCode.OK, original.StatusCode);
    }

    [Fact]
    public async Task Parallel_sign_ups_for_one_name_create_one_account()
    {
        var name = NewName();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => RegisterAsync(name, $"password number {i}")));

        Assert.Single(answers, answer => answer.StatusCode == HttpStatusCode.Created);
        Assert.Equal(7, answers.Count(answer => answer.StatusCode == HttpStatusCode.Conflict));
    }

    [Theory]
    [InlineData("ab", "a long enough password", "username")]
    [InlineData("bad name", "a long enough password", "username")]
    [InlineData("-leading-dash", "a long enough password", "username")]
    [InlineData(null, "a long enough password", "username")]
    [InlineData("valid-name", "short", "password")]
    [InlineData("valid-name", "aaaaaaaaaaaa", "password")]
    [InlineData("valid-name", "my {name} secret", "password")]
    [InlineData("valid-name", null, "password")]
    public async Task A_bad_name_or_weak_password_is_400_naming_the_field_and_stores_nothing(string? name, string? password, string field)
    {
        var userName = name == "valid-name" ? NewName() : name;

        using var response = await RegisterAsync(userName, password?.Replace("{name}", userName, StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var errors = (await response.ReadJsonAsync()).GetProperty("errors");
        Assert.Equal([field], errors.EnumerateObject().Select(error => error.Name));
        if (userName is not null)
        {
            Assert.Null(_identity.Dapr.ReadState<JsonElement?>(UserStore.StoreName, $"user-{userName.ToLowerInvariant()}"));
        }
    }

    [Fact]
    public async Task A_body_that_is_not_a_sign_up_is_a_400_problem()
    {
        using var wrongType = await _client.PostAsJsonAsync("/register", new { username = 42, password = true }, Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Equal("application/problem+json", wrongType.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public void Outside_tests_the_iteration_count_cannot_be_lowered()
    {
        var failure = _identity.StartUpFailure(new Dictionary<string, string?> { ["Identity:PasswordHashIterations"] = "1000" }, environment: "Development");

        Assert.Contains("PasswordHashIterations", failure.ToString(), StringComparison.Ordinal);
    }

    private static string NewName() => $"buyer-{Guid.NewGuid():N}"[..20];

    private Task<HttpResponseMessage> RegisterAsync(string? userName, string? password) =>
        _client.PostAsJsonAsync("/register", new { username = userName, password }, Cancellation);

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string title)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(title, (await response.ReadJsonAsync()).GetProperty("title").GetString());
    }
}
