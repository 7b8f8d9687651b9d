using System.Net;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace FlashSale.Identity.Tests;

public sealed class TokenEndpointTests(IdentityFactory identity) : IClassFixture<IdentityFactory>
{
    private readonly HttpClient _client = identity.CreateClient();

    [Fact]
    public async Task A_sign_in_over_4_KiB_is_a_413_problem()
    {
        var body = $$"""{"username":"{{DemoUsers.Bob.UserName}}","password":"{{new string('x', 4 * 1024)}}"}""";

        var response = await identity.CreateClient().PostAsync("/connect/token",
            new StringContent(body, System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_form_login_returns_a_15_minute_bearer_token_that_validates_against_the_published_keys()
    {
        var response = await _client.PostFormAsync(
            ("grant_type", "password"), ("username", DemoUsers.Alice.UserName), ("password", DemoUsers.Alice.Password));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(response.Headers.CacheControl?.NoStore, "token responses must not be cached");
        var body = await response.ReadJsonAsync();
        Assert.Equal("Bearer", body.GetProperty("token_type").GetString());
        Assert.Equal(900, body.GetProperty("expires_in").GetInt32());

        var validation = await ValidateAgainstPublishedKeysAsync(body.GetProperty("access_token").GetString()!);
        Assert.True(validation.IsValid, validation.Exception?.Message);
        var token = (JsonWebToken)validation.SecurityToken;
        Assert.Equal("RS256", token.Alg);
        Assert.Equal("alice", token.Subject);
        Assert.Equal(["customer"], token.Claims.Where(claim => claim.Type == "role").Select(claim => claim.Value));
        Assert.Equal(TimeSpan.FromMinutes(15), token.ValidTo - token.IssuedAt);
        Assert.InRange(token.IssuedAt, DateTime.UtcNow.AddMinutes(-1), DateTime.UtcNow.AddMinutes(1));
        Assert.False(string.IsNullOrEmpty(token.Id), "jti is missing");
    }

    [Fact]
    public async Task Every_demo_user_signs_in_with_the_documented_password_as_json_and_gets_their_role()
    {
        foreach (var (userName, password, role) in new[] { DemoUsers.Alice, DemoUsers.Bob, DemoUsers.Admin })
        {
            var response = await _client.PostJsonAsync(new { username = userName, password });

            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            var token = new JsonWebToken((await response.ReadJsonAsync()).GetProperty("access_token").GetString());
            Assert.Equal(userName, token.Subject);
            Assert.Equal([role], token.Claims.Where(claim => claim.Type == "role").Select(claim => claim.Value));
        }
    }

    [Fact]
    public async Task User_names_match_case_insensitively_and_the_subject_keeps_the_configured_spelling()
    {
        var response = await _client.PostJsonAsync(new { username = "ALICE", password = DemoUsers.Alice.Password });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("alice", new JsonWebToken((await response.ReadJsonAsync()).GetProperty("access_token").GetString()).Subject);
    }

    [Fact]
    public async Task A_wrong_password_and_an_unknown_user_get_the_same_401_problem()
    {
        var wrongPassword = await _client.PostJsonAsync(new { username = "alice", password = "not-her-password" });
        var unknownUser = await _client.PostJsonAsync(new { username = "mallory", password = "not-her-password" });

        foreach (var response in new[] { wrongPassword, unknownUser })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }

        var wrongPasswordProblem = await WithoutTraceIdAsync(wrongPassword);
        Assert.Equal(wrongPasswordProblem, await WithoutTraceIdAsync(unknownUser));
        Assert.Contains("\"error\":\"invalid_grant\"", wrongPasswordProblem);
    }

    [Fact]
    public async Task Missing_credentials_in_a_form_are_a_400_naming_each_field()
    {
        var response = await _client.PostFormAsync(("grant_type", "password"), ("username", " "));

        var errors = await ValidationErrorsAsync(response);
        Assert.Equal(["password", "username"], errors.Order());
    }

    [Fact]
    public async Task Missing_credentials_in_json_are_a_400_naming_each_field()
    {
        var response = await _client.PostJsonAsync(new { username = "alice" });

        Assert.Equal(["password"], await ValidationErrorsAsync(response));
    }

    [Fact]
    public async Task A_form_without_grant_type_is_a_400_naming_it()
    {
        var response = await _client.PostFormAsync(("username", "alice"), ("password", DemoUsers.Alice.Password));

        Assert.Equal(["grant_type"], await ValidationErrorsAsync(response));
    }

    [Theory]
    [InlineData("client_credentials")]
    [InlineData("authorization_code")]
    public async Task Grant_types_other_than_password_are_a_400_unsupported_grant_type(string grantType)
    {
        var response = await _client.PostFormAsync(("grant_type", grantType), ("client_id", "spa"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("unsupported_grant_type", (await response.ReadJsonAsync()).GetProperty("error").GetString());
    }

    [Fact]
    public async Task Malformed_json_is_a_400_and_other_media_types_a_415()
    {
        var malformed = await _client.PostAsync("/connect/token",
            new StringContent("{\"username\":", System.Text.Encoding.UTF8, "application/json"), TestContext.Current.CancellationToken);
        var plainText = await _client.PostAsync("/connect/token",
            new StringContent("alice:secret"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Equal("application/problem+json", malformed.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, plainText.StatusCode);
    }

    private async Task<TokenValidationResult> ValidateAgainstPublishedKeysAsync(string accessToken)
    {
        var ct = TestContext.Current.CancellationToken;
        var discovery = JsonDocument.Parse(await _client.GetStringAsync("/.well-known/openid-configuration", ct)).RootElement;
        var keys = new JsonWebKeySet(await _client.GetStringAsync(discovery.GetProperty("jwks_uri").GetString(), ct));
        return await new JsonWebTokenHandler().ValidateTokenAsync(accessToken, new TokenValidationParameters
        {
            ValidIssuer = "http://identity",
            ValidAudience = "flashsale",
            IssuerSigningKeys = keys.GetSigningKeys(),
            ValidAlgorithms = ["RS256"],
        });
    }

    private static async Task<string> WithoutTraceIdAsync(HttpResponseMessage response)
    {
        var problem = System.Text.Json.Nodes.JsonNode.Parse(await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!.AsObject();
        // The trace id differs on every request by design; everything else must not differ.
        problem.Remove("traceId");
        return problem.ToJsonString();
    }

    private static async Task<IEnumerable<string>> ValidationErrorsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.ReadJsonAsync();
        Assert.Equal("invalid_request", problem.GetProperty("error").GetString());
        return problem.GetProperty("errors").EnumerateObject().Select(error => error.Name).ToList();
    }
}
