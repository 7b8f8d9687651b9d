using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using FlashSale.LoadGen.Infrastructure;
using FlashSale.LoadGen.Application;
using FlashSale.LoadGen.Domain;

namespace FlashSale.LoadGen.Tests;

/// <summary>Sign-up and sign-in through a stand-in gateway that answers as identity's contract says.</summary>
public sealed class CustomerPoolTests
{
    private static readonly GeneratedCustomers Three = new("sale", "s3cret", 3);

    [Fact]
    public async Task New_customers_are_signed_up_existing_ones_reused_and_a_rate_limited_sign_up_waits_and_retries()
    {
        var identity = new StandInIdentity(Three.All());
        identity.Existing.Add("sale-00002");
        identity.RateLimitOnce.Add("sale-00003");

        var pool = await PrepareAsync(identity, new CustomerSource.SignedUp(Three));

        Assert.Equal((3, 2, 1), (pool.Count, pool.SignedUp, pool.Reused));
        Assert.Equal(["sale-00001", "sale-00003"], identity.Created.Order());
        Assert.Equal(2, identity.SignUps.Count(name => name == "sale-00003"));
        Assert.Equal(["sale-00001", "sale-00002", "sale-00003"], identity.SignedIn.Order());
    }

    [Fact]
    public async Task Without_sign_up_on_the_gateway_customers_that_exist_are_signed_in()
    {
        var identity = new StandInIdentity(Three.All()) { HasSignUp = false };
        identity.Existing.UnionWith(Three.All().Select(customer => customer.UserName));

        var pool = await PrepareAsync(identity, new CustomerSource.SignedUp(Three));

        Assert.Equal((0, 3), (pool.SignedUp, pool.Reused));
    }

    [Fact]
    public async Task A_customer_created_with_another_secret_is_a_clear_setup_error()
    {
        var identity = new StandInIdentity(new GeneratedCustomers("sale", "an earlier secret", 3).All());
        identity.Existing.UnionWith(Three.All().Select(customer => customer.UserName));

        var failure = await Assert.ThrowsAsync<SetupFailedException>(() => PrepareAsync(identity, new CustomerSource.SignedUp(Three)));

        Assert.StartsWith("signing in as sale-0000", failure.Message, StringComparison.Ordinal);
        Assert.Contains("401 The user name or password is incorrect. If sign-up is not available on this gateway, pass existing customers with --customers FILE",
            failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Listed_customers_are_only_signed_in_and_shared_out_in_turn()
    {
        var accounts = new[] { new Credentials("alice", "alice-demo-password"), new Credentials("bob", "bob-demo-password") };
        var identity = new StandInIdentity(accounts);
        identity.Existing.UnionWith(["alice", "bob"]);

        var pool = await PrepareAsync(identity, new CustomerSource.Existing(accounts));

        Assert.Empty(identity.SignUps);
        Assert.Equal(["alice", "bob", "alice"], new[] { 0L, 1, 2 }.Select(arrival => pool.ForArrival(arrival).UserName));
    }

    [Fact]
    public async Task A_token_is_reused_until_a_minute_before_it_expires_or_until_the_gateway_refuses_it()
    {
        var alice = new Credentials("alice", "alice-demo-password");
        var identity = new StandInIdentity([alice]);
        identity.Existing.Add("alice");
        var clock = new Microsoft.Extensions.Time.Testing.FakeTimeProvider();
        var gateway = GatewayClient.Over(identity, new Uri("http://gateway.test"), TimeSpan.FromSeconds(30));
        var signedIn = await SignedInUser.SignInAsync(gateway, alice, clock, TestContext.Current.CancellationToken);

        clock.Advance(TimeSpan.FromMinutes(13.9));
        var token = await signedIn.TokenAsync(TestContext.Current.CancellationToken);
        Assert.Single(identity.SignedIn);

        clock.Advance(TimeSpan.FromMinutes(0.2));
        await signedIn.TokenAsync(TestContext.Current.CancellationToken);
        Assert.Equal(2, identity.SignedIn.Count);

        signedIn.Refused(await signedIn.TokenAsync(TestContext.Current.CancellationToken));
        await signedIn.TokenAsync(TestContext.Current.CancellationToken);
        Assert.Equal(3, identity.SignedIn.Count);
        Assert.Equal("token-of-alice", token);
    }

    private static Task<CustomerPool> PrepareAsync(StandInIdentity identity, CustomerSource source)
    {
        var gateway = GatewayClient.Over(identity, new Uri("http://gateway.test"), TimeSpan.FromSeconds(30));
        return CustomerPool.PrepareAsync(gateway, source, admin: null, parallelism: 2, TimeProvider.System, prepared: null, TestContext.Current.CancellationToken);
    }

    /// <summary>identity behind the gateway: <c>POST /api/auth/register</c> and <c>POST /api/auth/token</c>.</summary>
    private sealed class StandInIdentity(IEnumerable<Credentials> passwords) : HttpMessageHandler
    {
        private readonly Dictionary<string, string> _passwords = passwords.ToDictionary(account => account.UserName, account => account.Password);

        public bool HasSignUp { get; init; } = true;

        public HashSet<string> Existing { get; } = [];

        public HashSet<string> RateLimitOnce { get; } = [];

        public ConcurrentQueue<string> SignUps { get; } = new();

        public ConcurrentBag<string> Created { get; } = [];

        public ConcurrentBag<string> SignedIn { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var body = await request.Content!.ReadFromJsonAsync<JsonElement>(cancellationToken);
            var (name, password) = (body.GetProperty("username").GetString()!, body.GetProperty("password").GetString()!);
            lock (this)
            {
                return request.RequestUri!.AbsolutePath switch
                {
                    "/api/auth/register" => SignUp(name),
                    "/api/auth/token" => SignIn(name, password),
                    _ => new HttpResponseMessage(HttpStatusCode.NotFound),
                };
            }
        }

        private HttpResponseMessage SignUp(string name)
        {
            if (!HasSignUp)
            {
                return new HttpResponseMessage(HttpStatusCode.NotFound);
            }

            SignUps.Enqueue(name);
            if (RateLimitOnce.Remove(name))
            {
                return new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Headers = { RetryAfter = new(TimeSpan.Zero) } };
            }

            if (!Existing.Add(name))
            {
                return Problem(HttpStatusCode.Conflict, "User name taken");
            }

            Created.Add(name);
            return new HttpResponseMessage(HttpStatusCode.Created);
        }

        private HttpResponseMessage SignIn(string name, string password)
        {
            if (!Existing.Contains(name) || _passwords[name] != password)
            {
                return Problem(HttpStatusCode.Unauthorized, "The user name or password is incorrect.");
            }

            SignedIn.Add(name);
            return new HttpResponseMessage(HttpStatusCode.OK) { Content = JsonContent.Create(new { access_token = $"token-of-{name}", token_type = "Bearer", expires_in = 900 }) };
        }

        private static HttpResponseMessage Problem(HttpStatusCode status, string title) => new(status)
        {
            Content = new StringContent(JsonSerializer.Serialize(new { status = (int)status, title }), System.Text.Encoding.UTF8, "application/problem+json"),
        };
    }
}
