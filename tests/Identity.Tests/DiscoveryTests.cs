using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using Microsoft.IdentityModel.JsonWebTokens;

namespace FlashSale.Identity.Tests;

public sealed class DiscoveryTests(IdentityFactory identity) : IClassFixture<IdentityFactory>
{
    [Fact]
    public async Task The_discovery_document_names_the_issuer_key_set_token_endpoint_and_algorithm()
    {
        var client = identity.CreateClient();

        var response = await client.GetAsync("/.well-known/openid-configuration", TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var document = await response.ReadJsonAsync();
        Assert.Equal("http://identity", document.GetProperty("issuer").GetString());
        Assert.Equal("http://localhost/.well-known/jwks.json", document.GetProperty("jwks_uri").GetString());
        Assert.Equal("http://localhost/connect/token", document.GetProperty("token_endpoint").GetString());
        Assert.Equal(["RS256"], document.GetProperty("id_token_signing_alg_values_supported").EnumerateArray().Select(alg => alg.GetString()));
        Assert.Equal(["password"], document.GetProperty("grant_types_supported").EnumerateArray().Select(grant => grant.GetString()));
    }

    [Fact]
    public async Task Read_through_the_gateway_the_endpoints_are_its_public_ones_and_the_issuer_stays_the_tokens()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/.well-known/openid-configuration")
        {
            Headers = { { "X-Forwarded-Host", "shop.example" }, { "X-Forwarded-Proto", "https" }, { "X-Forwarded-Prefix", "/api/auth" } },
        };

        var response = await identity.CreateClient().SendAsync(request, TestContext.Current.CancellationToken);

        var document = await response.ReadJsonAsync();
        Assert.Equal("http://identity", document.GetProperty("issuer").GetString());
        Assert.Equal("https://shop.example/api/auth/.well-known/jwks.json", document.GetProperty("jwks_uri").GetString());
        Assert.Equal("https://shop.example/api/auth/connect/token", document.GetProperty("token_endpoint").GetString());
    }

    [Fact]
    public async Task The_key_set_publishes_only_the_public_key_under_the_kid_tokens_carry()
    {
        var client = identity.CreateClient();
        var login = await client.PostJsonAsync(new { username = DemoUsers.Bob.UserName, password = DemoUsers.Bob.Password });
        var token = new JsonWebToken((await login.ReadJsonAsync()).GetProperty("access_token").GetString());

        var keys = (await (await client.GetAsync("/.well-known/jwks.json", TestContext.Current.CancellationToken)).ReadJsonAsync())
            .GetProperty("keys").EnumerateArray().ToList();

        var key = Assert.Single(keys);
        Assert.Equal(token.Kid, key.GetProperty("kid").GetString());
        Assert.Equal(["alg", "e", "kid", "kty", "n", "use"], key.EnumerateObject().Select(member => member.Name).Order());
        Assert.Equal("RSA", key.GetProperty("kty").GetString());
        Assert.Equal("sig", key.GetProperty("use").GetString());
        Assert.Equal("RS256", key.GetProperty("alg").GetString());
    }

    [Fact]
    public async Task A_configured_pem_key_signs_the_tokens_and_its_public_half_is_published()
    {
        using var rsa = RSA.Create(2048);
        await using var configured = identity.WithSettings(new Dictionary<string, string?>
        {
            ["Identity:SigningKey"] = rsa.ExportPkcs8PrivateKeyPem(),
            ["Identity:Issuer"] = "https://id.flashsale.example",
            ["Identity:Audience"] = "shop",
        });
        var client = configured.CreateClient();

        var login = await client.PostJsonAsync(new { username = DemoUsers.Admin.UserName, password = DemoUsers.Admin.Password });
        var keySet = await (await client.GetAsync("/.well-known/jwks.json", TestContext.Current.CancellationToken)).ReadJsonAsync();

        var token = new JsonWebToken((await login.ReadJsonAsync()).GetProperty("access_token").GetString());
        Assert.Equal("https://id.flashsale.example", token.Issuer);
        Assert.Equal(["shop"], token.Audiences);
        var validation = await new JsonWebTokenHandler().ValidateTokenAsync(token.EncodedToken, new()
        {
            ValidIssuer = "https://id.flashsale.example",
            ValidAudience = "shop",
            IssuerSigningKey = new Microsoft.IdentityModel.Tokens.RsaSecurityKey(rsa.ExportParameters(false)),
        });
        Assert.True(validation.IsValid, validation.Exception?.Message);
        var published = keySet.GetProperty("keys")[0];
        Assert.Equal(Base64Url.EncodeToString(rsa.ExportParameters(false).Modulus), published.GetProperty("n").GetString());
    }
}
