using System.Net;
using System.Text;
using Bunit;
using FlashSale.Storefront.Api.Components;
using FlashSale.Storefront.Api.Components.Pages;
using FlashSale.Storefront.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FlashSale.Storefront.Tests.Components;

/// <summary>The storefront's pages and parts rendered with bUnit, against a stub of the gateway.</summary>
public sealed class ComponentTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 2, 12, 0, 0, TimeSpan.Zero);
    private const string ProductJson = """
        {"sku":"TEE","name":"Flash Tee","description":"Soft","price":40.00,"currency":"EUR","effectivePrice":15.00,"onSale":true,"version":3,"sale":{"salePrice":15.00,"startsAt":"2026-12-02T11:00:00Z","endsAt":"2026-12-02T13:30:05Z","unitsAllocated":100,"state":"Active","perCustomerLimit":2}}
        """;

    private readonly BunitContext _context = new();

    [Fact]
    public void A_rate_limited_request_tells_how_long_to_wait()
    {
        var message = _context.Render<ProblemMessage>(parameters => parameters
            .Add(p => p.Problem, new GatewayProblem(429, "Too many requests", null, new Dictionary<string, string[]>(), 7)));

        Assert.Equal("The shop is very busy. Please wait 7 s and try again.", message.Find("[role=alert]").TextContent);
    }

    [Theory]
    [InlineData(409, "Sold out", "Sold out: every unit of this sale is gone.")]
    [InlineData(409, "Limit per customer reached", "You have reached this sale's limit per customer.")]
    [InlineData(503, "Temporarily unavailable", "The shop cannot reach its services right now.")]
    [InlineData(412, "Product changed", "changed by someone else meanwhile. Reload the page")]
    public void Refusals_and_outages_read_as_sentences_never_as_codes(int status, string title, string expected)
    {
        var message = _context.Render<ProblemMessage>(parameters => parameters
            .Add(p => p.Problem, new GatewayProblem(status, title, null, new Dictionary<string, string[]>(), null)));

        Assert.Contains(expected, message.Find("[role=alert]").TextContent, StringComparison.Ordinal);
        Assert.DoesNotContain(status.ToString(System.Globalization.CultureInfo.InvariantCulture), message.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void A_field_shows_its_own_errors_and_no_one_elses()
    {
        var problem = new GatewayProblem(400, "Invalid", null, new Dictionary<string, string[]> { ["Password"] = ["Too short."] }, null);

        var password = _context.Render<FieldError>(parameters => parameters.Add(p => p.Field, "password").Add(p => p.Problem, problem));
        var userName = _context.Render<FieldError>(parameters => parameters.Add(p => p.Field, "username").Add(p => p.Problem, problem));

        Assert.Equal("Too short.", password.Find("#password-error").TextContent);
        Assert.Empty(userName.Markup.Trim());
    }

    [Fact]
    public void The_product_page_shows_the_sale_against_the_regular_price_with_its_countdown_and_a_keyed_buy_button()
    {
        UseGateway(request => request.RequestUri!.AbsolutePath == "/api/catalog/products/TEE"
            ? Json(ProductJson)
            : new HttpResponseMessage(HttpStatusCode.NotFound));

        var page = _context.Render<Product>(parameters => parameters.Add(p => p.Sku, "TEE").AddCascadingValue<HttpContext>(new DefaultHttpContext()));

        Assert.Equal("15.00 EUR", page.Find("[data-testid=sale-price]").TextContent);
        Assert.Equal("40.00 EUR", page.Find("[data-testid=regular-price]").TextContent);
        Assert.Equal("Ends in 01:30:05", page.Find("[data-testid=countdown]").TextContent);
        Assert.Contains("At most 2 per customer.", page.Markup, StringComparison.Ordinal);
        Assert.Matches("^[0-9a-f]{32}$", page.Find("input[name='Intent.IdempotencyKey']").GetAttribute("value"));
    }

    [Fact]
    public void A_gateway_outage_on_the_product_page_is_a_sentence_not_an_exception()
    {
        UseGateway(_ => throw new HttpRequestException("connection refused"));

        var page = _context.Render<Product>(parameters => parameters.Add(p => p.Sku, "TEE").AddCascadingValue<HttpContext>(new DefaultHttpContext()));

        Assert.Contains("The shop cannot reach its services right now.", page.Find("[role=alert]").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=buy]"));
    }

    public void Dispose() => _context.Dispose();

    private void UseGateway(Func<HttpRequestMessage, HttpResponseMessage> answer)
    {
        _context.Services.AddSingleton<TimeProvider>(new FakeTimeProvider(Now));
        _context.Services.AddSingleton(new GatewayClient(
            new HttpClient(new StubHandler(answer)) { BaseAddress = new Uri("http://gateway") }, NullLogger<GatewayClient>.Instance));
    }

    private static HttpResponseMessage Json(string body) =>
        new(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, "application/json") };

    private sealed class StubHandler(Func<HttpRequestMessage, HttpResponseMessage> answer) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(answer(request));
    }
}
