using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using FlashSale.LoadGen.Domain;

namespace FlashSale.LoadGen.Infrastructure;

/// <summary>An order body serialized once and sent by every buyer of the SKU.</summary>
public sealed class PreparedOrder(string sku, int quantity)
{
    private readonly byte[] _json = JsonSerializer.SerializeToUtf8Bytes(new OrderRequest([new OrderItem(sku, quantity)]), GatewayJson.Default.OrderRequest);

    public string Sku => sku;

    public int Quantity => quantity;

    internal HttpContent ToContent() => new ByteArrayContent(_json) { Headers = { ContentType = new MediaTypeHeaderValue("application/json") } };
}

/// <summary>
/// FlashSale's public API as its gateway serves it (see services/gateway/appsettings.json for the routes). Every call
/// returns what came back, including no answer at all, instead of throwing: a load generator counts failures.
/// </summary>
public sealed class GatewayClient(HttpClient http, HttpClient streams)
{
    public Uri? Address => http.BaseAddress;

    /// <summary>
    /// A client of the gateway at <paramref name="gateway"/> over shared handlers, which it never disposes: live streams
    /// go through <paramref name="streamHandler"/> (<see cref="GatewayHttp.CreateStreamHandler"/>), or, without it,
    /// share <paramref name="handler"/>.
    /// </summary>
    public static GatewayClient Over(HttpMessageHandler handler, Uri gateway, TimeSpan requestTimeout, HttpMessageHandler? streamHandler = null) =>
        new(new HttpClient(handler, disposeHandler: false) { BaseAddress = gateway, Timeout = requestTimeout },
            // A stream lasts as long as its order takes to settle: only opening it is bounded by the request timeout.
            new HttpClient(streamHandler ?? handler, disposeHandler: false) { BaseAddress = gateway, Timeout = requestTimeout });

    public Task<GatewayAnswer<TokenAnswer>> SignInAsync(Credentials account, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "/api/auth/token", token: null, Json(new SignIn(account.UserName, account.Password), GatewayJson.Default.SignIn),
            GatewayJson.Default.TokenAnswer, cancellationToken);

    /// <summary>
    /// Sign-up: 201 created, 409 the name is taken, 400 field errors, 429 rate limited. With an admin's token the
    /// gateway's per-client sign-up limit does not apply (an admin preparing customers, as loadgen does).
    /// </summary>
    public Task<GatewayAnswer<Acknowledged>> RegisterAsync(Credentials account, string? adminToken, CancellationToken cancellationToken) =>
        SendAsync<Acknowledged>(HttpMethod.Post, "/api/auth/register", adminToken,
            Json(new SignIn(account.UserName, account.Password), GatewayJson.Default.SignIn), read: null, cancellationToken);

    public Task<GatewayAnswer<ProductView>> CreateProductAsync(string adminToken, NewProduct product, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "/api/catalog/products", adminToken, Json(product, GatewayJson.Default.NewProduct),
            GatewayJson.Default.ProductView, cancellationToken);

    public Task<GatewayAnswer<ProductView>> GetProductAsync(string? token, string sku, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"/api/catalog/products/{Uri.EscapeDataString(sku)}", token, content: null, GatewayJson.Default.ProductView, cancellationToken);

    /// <summary>Schedules the product's flash sale; <paramref name="etag"/> is the product's (If-Match).</summary>
    public Task<GatewayAnswer<ProductView>> ScheduleSaleAsync(
        string adminToken, string sku, string etag, SaleSchedule sale, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, $"/api/catalog/products/{Uri.EscapeDataString(sku)}/sale", adminToken, Json(sale, GatewayJson.Default.SaleSchedule),
            GatewayJson.Default.ProductView, cancellationToken, headers => headers.IfMatch.Add(EntityTagHeaderValue.Parse(etag)));

    public Task<GatewayAnswer<StockLevels>> SetStockAsync(string adminToken, string sku, int available, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Put, $"/api/inventory/stock/{Uri.EscapeDataString(sku)}", adminToken,
            Json(new StockSetting(available), GatewayJson.Default.StockSetting), GatewayJson.Default.StockLevels, cancellationToken);

    public Task<GatewayAnswer<StockLevels>> GetStockAsync(string adminToken, string sku, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"/api/inventory/stock/{Uri.EscapeDataString(sku)}", adminToken, content: null, GatewayJson.Default.StockLevels, cancellationToken);

    /// <summary>order-query's figures for the SKU; 404 while nothing was sold, stocked or catalogued as it.</summary>
    public Task<GatewayAnswer<SaleFigures>> GetSaleFiguresAsync(string adminToken, string sku, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"/api/dashboard/sales/{Uri.EscapeDataString(sku)}", adminToken, content: null, GatewayJson.Default.SaleFigures, cancellationToken);

    public Task<GatewayAnswer<PlacedOrder>> PlaceOrderAsync(string token, PreparedOrder order, string idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Post, "/api/orders", token, order.ToContent(), GatewayJson.Default.PlacedOrder, cancellationToken,
            headers => headers.Add("Idempotency-Key", idempotencyKey));

    /// <summary>The read side's view of the order; 404 for a moment after placement, until its event arrives.</summary>
    public Task<GatewayAnswer<OrderView>> GetOrderAsync(string token, string orderId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"/api/orders/{Uri.EscapeDataString(orderId)}", token, content: null, GatewayJson.Default.OrderView, cancellationToken);

    /// <summary>
    /// Follows the order's live stream until it shows the order settled, and answers with that view; or with the
    /// refusal of the stream (404 until the read side has the order, as <see cref="GetOrderAsync"/>); or with no answer
    /// when the stream ended first.
    /// </summary>
    public async Task<GatewayAnswer<OrderView>> FollowOrderUntilSettledAsync(string token, string orderId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/stream/orders/{Uri.EscapeDataString(orderId)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        try
        {
            using var response = await streams.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return await ReadAsync(response, GatewayJson.Default.OrderView, cancellationToken);
            }

            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var events = SseParser.Create(body, (_, data) => JsonSerializer.Deserialize(data, GatewayJson.Default.OrderView));
            await foreach (var item in events.EnumerateAsync(cancellationToken))
            {
                if (item.Data is { IsSettled: true } settled)
                {
                    return new((int)response.StatusCode, settled, null, null, null, null);
                }
            }

            return NoAnswer<OrderView>("the stream ended before the order settled");
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException)
        {
            return NoAnswer<OrderView>($"the stream broke: {ex.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return NoAnswer<OrderView>($"no answer within {streams.Timeout.TotalSeconds:0.#} s");
        }
    }

    /// <summary>
    /// payment's admin view of the order's payment. 404 with payment's own problem means nothing was charged; any
    /// other 404 means the gateway has no route to payment.
    /// </summary>
    public Task<GatewayAnswer<PaymentView>> GetPaymentAsync(string adminToken, string orderId, CancellationToken cancellationToken) =>
        SendAsync(HttpMethod.Get, $"/api/payments/{Uri.EscapeDataString(orderId)}", adminToken, content: null, GatewayJson.Default.PaymentView, cancellationToken);

    private static JsonContent Json<T>(T value, JsonTypeInfo<T> type) => JsonContent.Create(value, type);

    private async Task<GatewayAnswer<T>> SendAsync<T>(
        HttpMethod method, string path, string? token, HttpContent? content, JsonTypeInfo<T>? read, CancellationToken cancellationToken,
        Action<HttpRequestHeaders>? headers = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = content };
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        headers?.Invoke(request.Headers);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            return await ReadAsync(response, read, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            return NoAnswer<T>(ex.InnerException?.Message is { Length: > 0 } reason && !ex.Message.Contains(reason, StringComparison.Ordinal)
                ? $"{ex.Message} {reason}"
                : ex.Message);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return NoAnswer<T>($"no answer within {http.Timeout.TotalSeconds:0.#} s");
        }
    }

    private static GatewayAnswer<T> NoAnswer<T>(string failure) => new(0, default, null, null, null, failure);

    private static async Task<GatewayAnswer<T>> ReadAsync<T>(HttpResponseMessage response, JsonTypeInfo<T>? read, CancellationToken cancellationToken)
    {
        var status = (int)response.StatusCode;
        var retryAfter = response.Headers.RetryAfter is { } after
            ? after.Delta ?? (after.Date - DateTimeOffset.UtcNow)
            : null;
        var etag = response.Headers.ETag?.ToString();
        var isJson = response.Content.Headers.ContentType?.MediaType is { } media
            && (media == "application/json" || media.EndsWith("+json", StringComparison.Ordinal));
        try
        {
            if (response.IsSuccessStatusCode)
            {
                var value = read is not null && isJson ? await response.Content.ReadFromJsonAsync(read, cancellationToken) : default;
                return read is not null && value is null
                    ? new(status, default, null, retryAfter, etag, $"the answer is not {typeof(T).Name} JSON")
                    : new(status, value, null, retryAfter, etag, null);
            }

            var problem = isJson ? await response.Content.ReadFromJsonAsync(GatewayJson.Default.Problem, cancellationToken) : null;
            return new(status, default, problem, retryAfter, etag, null);
        }
        catch (JsonException)
        {
            return new(status, default, null, retryAfter, etag, "the answer is not valid JSON");
        }
    }
}
