using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using FlashSale.ServiceDefaults;

namespace FlashSale.EndToEnd.Tests.Fixture;

/// <summary>
/// What a browser holds: the gateway's address, nothing else. Signing in goes through the gateway to identity
/// (<c>POST /api/auth/token</c>), and every later call carries the token the gateway validates.
/// </summary>
public sealed class GatewayClient(HttpClient http)
{
    public HttpClient Http => http;

    public Task<Shopper> SignInAsync(string userName) => SignInAsync(userName, Customers.PasswordOf(userName));

    public async Task<Shopper> SignInAsync(string userName, string password) => new(http, userName, await TokenAsync(userName, password));

    public async Task<Admin> SignInAsAdminAsync() => new(http, Customers.Admin, await TokenAsync(Customers.Admin, Customers.PasswordOf(Customers.Admin)));

    /// <summary>Signs a new customer up through the gateway.</summary>
    public Task<HttpResponseMessage> SignUpAsync(string userName, string password) =>
        http.PostAsJsonAsync("/api/auth/register", new { username = userName, password }, TestContext.Current.CancellationToken);

    /// <summary>A request without a token, as anyone on the internet can send.</summary>
    public Task<HttpResponseMessage> SendAnonymousAsync(HttpRequestMessage request) =>
        http.SendAsync(request, TestContext.Current.CancellationToken);

    private async Task<string> TokenAsync(string userName, string password)
    {
        using var response = await http.PostAsJsonAsync("/api/auth/token",
            new { username = userName, password }, TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"signing in as {userName} answered {(int)response.StatusCode}");
        return (await response.Content.ReadFromJsonAsync<TokenAnswer>(ApiJson.Options, TestContext.Current.CancellationToken))!.AccessToken;
    }
}

/// <summary>A signed-in customer, calling the gateway only.</summary>
public class Shopper(HttpClient http, string userName, string token)
{
    public string UserName { get; } = userName;

    /// <summary>The same signed-in customer talking to another gateway (the token is valid at every gateway).</summary>
    public Shopper Via(GatewayClient gateway) => new(gateway.Http, UserName, token);

    public static HttpRequestMessage OrderRequest(string sku, int quantity, string idempotencyKey) =>
        new(HttpMethod.Post, "/api/orders")
        {
            Content = JsonContent.Create(new { items = new[] { new { sku, quantity } } }),
            Headers = { { "Idempotency-Key", idempotencyKey } },
        };

    /// <summary>Any request, with this customer's token.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpRequestMessage request)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    public Task<HttpResponseMessage> PlaceOrderAsync(string sku, int quantity, string idempotencyKey) =>
        SendAsync(OrderRequest(sku, quantity, idempotencyKey));

    /// <summary>Places an order that must be accepted (201), with a fresh Idempotency-Key.</summary>
    public async Task<PlacedOrder> PlaceOrderAsync(string sku, int quantity)
    {
        using var response = await PlaceOrderAsync(sku, quantity, Guid.NewGuid().ToString());
        return await response.ReadAsync<PlacedOrder>(HttpStatusCode.Created);
    }

    public async Task<ProductView> GetProductAsync(string sku)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/catalog/products/{sku}"));
        return await response.ReadAsync<ProductView>(HttpStatusCode.OK);
    }

    /// <summary>The order as the read side shows it, or null while it answers 404.</summary>
    public async Task<OrderDetails?> FindOrderAsync(string orderId)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/orders/{orderId}"));
        return response.StatusCode == HttpStatusCode.NotFound ? null : await response.ReadAsync<OrderDetails>(HttpStatusCode.OK);
    }

    /// <summary>Waits until the read side shows the order in <paramref name="status"/>.</summary>
    public Task<OrderDetails?> OrderOnceAsync(string orderId, string status) =>
        Eventually.MatchesAsync(() => FindOrderAsync(orderId), order => order?.Status == status, $"order {orderId} to be {status} for {UserName}", cancellationToken: TestContext.Current.CancellationToken);

    public async Task<OrderPage> ListOrdersAsync()
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/orders?pageSize=100"));
        return await response.ReadAsync<OrderPage>(HttpStatusCode.OK);
    }
}

/// <summary>The admin: sets up sales and stock and reads the dashboard, through the gateway like everyone else.</summary>
public sealed class Admin(HttpClient http, string userName, string token) : Shopper(http, userName, token)
{
    /// <summary>A product on a flash sale running now, with <paramref name="stock"/> units free for sale.</summary>
    /// <param name="perCustomerLimit">The most units one customer may hold in the sale (none when null).</param>
    public async Task CreateSaleAsync(string sku, decimal price, decimal salePrice, int stock, string currency = "EUR", int? perCustomerLimit = null)
    {
        using var created = await SendAsync(new HttpRequestMessage(HttpMethod.Post, "/api/catalog/products")
        {
            Content = JsonContent.Create(new { sku, name = $"Product {sku}", description = "End-to-end test product", price, currency }),
        });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);

        var now = DateTimeOffset.UtcNow;
        using var sale = await SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/api/catalog/products/{sku}/sale")
        {
            Content = JsonContent.Create(new { salePrice, startsAt = now.AddMinutes(-1), endsAt = now.AddHours(1), perCustomerLimit }),
            Headers = { IfMatch = { created.Headers.ETag! } },
        });
        Assert.Equal(HttpStatusCode.OK, sale.StatusCode);

        await SetStockAsync(sku, stock);
    }

    public async Task<StockLevels> SetStockAsync(string sku, int available)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/api/inventory/stock/{sku}")
        {
            Content = JsonContent.Create(new { available }),
        });
        return await response.ReadAsync<StockLevels>(HttpStatusCode.OK);
    }

    public async Task<StockLevels> GetStockAsync(string sku)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/inventory/stock/{sku}"));
        return await response.ReadAsync<StockLevels>(HttpStatusCode.OK);
    }

    /// <summary>The SKU's dashboard, or null while the read side has nothing about it.</summary>
    public async Task<SaleFigures?> FindSaleFiguresAsync(string sku)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/dashboard/sales/{sku}"));
        return response.StatusCode == HttpStatusCode.NotFound ? null : await response.ReadAsync<SaleFigures>(HttpStatusCode.OK);
    }

    /// <summary>The order's payment with the provider's ledger, or null when payment recorded none (its own 404).</summary>
    public async Task<PaymentView?> FindPaymentAsync(string orderId)
    {
        using var response = await SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/payments/{orderId}"));
        return response.StatusCode == HttpStatusCode.NotFound
            ? (await response.ReadProblemAsync(HttpStatusCode.NotFound)).Title == "No payment is recorded for this order"
                ? null
                : throw new InvalidOperationException($"GET /api/payments/{orderId} is not routed")
            : await response.ReadAsync<PaymentView>(HttpStatusCode.OK);
    }

    public Task<SaleFigures?> SaleFiguresOnceAsync(string sku, Func<SaleFigures, bool> condition, string awaited) =>
        Eventually.MatchesAsync(() => FindSaleFiguresAsync(sku), figures => figures is not null && condition(figures),
            $"the dashboard of {sku} to show {awaited}", cancellationToken: TestContext.Current.CancellationToken);

    public Task<StockLevels> StockOnceAsync(string sku, StockLevels expected) =>
        Eventually.MatchesAsync(() => GetStockAsync(sku), levels => levels == expected, $"stock of {sku} to be {expected}", cancellationToken: TestContext.Current.CancellationToken);
}

public static class ResponseReading
{
    public static async Task<T> ReadAsync<T>(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == expected,
            $"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri?.PathAndQuery} answered {(int)response.StatusCode}, expected {(int)expected}: {body}");
        return JsonSerializer.Deserialize<T>(body, JsonSerializerOptions.Web)!;
    }

    /// <summary>A problem+json answer with <paramref name="expected"/> status.</summary>
    public static async Task<Problem> ReadProblemAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return await response.ReadAsync<Problem>(expected);
    }
}
