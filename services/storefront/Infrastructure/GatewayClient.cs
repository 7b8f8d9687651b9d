using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text.Json;
using FlashSale.ServiceDefaults;
using Microsoft.IdentityModel.JsonWebTokens;

namespace FlashSale.Storefront.Infrastructure;

/// <summary>
/// The storefront's only way out: the gateway's public API, with the signed-in user's token (kept in the session
/// cookie, never sent to the browser). Refusals come back as <see cref="GatewayProblem"/>s; a gateway that cannot be
/// reached or times out is <see cref="GatewayProblem.Outage"/>, so no page ever shows an exception.
/// </summary>
public sealed partial class GatewayClient(HttpClient http, ILogger<GatewayClient> logger)
{
    /// <summary>How long one REST call may take; streams are not limited.</summary>
    public static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The wait between reconnects of a dropped stream.</summary>
    public static readonly TimeSpan ReconnectDelay = TimeSpan.FromSeconds(1);

    public Task<GatewayResult<SignedIn>> SignInAsync(string userName, string password, CancellationToken cancellationToken) =>
        SendAsync<SignedIn>(() => new(HttpMethod.Post, "/api/auth/token") { Content = JsonContent.Create(new { username = userName, password }) },
            null, cancellationToken, ReadToken);

    public Task<GatewayResult<JsonElement>> SignUpAsync(string userName, string password, CancellationToken cancellationToken) =>
        SendAsync<JsonElement>(() => new(HttpMethod.Post, "/api/auth/register") { Content = JsonContent.Create(new { username = userName, password }) },
            null, cancellationToken);

    public Task<GatewayResult<ProductList>> ListProductsAsync(CancellationToken cancellationToken) =>
        SendAsync<ProductList>(() => new(HttpMethod.Get, "/api/catalog/products?pageSize=100"), null, cancellationToken);

    public Task<GatewayResult<ProductDetails>> GetProductAsync(string sku, CancellationToken cancellationToken) =>
        SendAsync<ProductDetails>(() => new(HttpMethod.Get, $"/api/catalog/products/{Uri.EscapeDataString(sku)}"), null, cancellationToken);

    public Task<GatewayResult<PlacedOrder>> PlaceOrderAsync(string token, string sku, int quantity, string idempotencyKey, CancellationToken cancellationToken) =>
        SendAsync<PlacedOrder>(() => new(HttpMethod.Post, "/api/orders")
        {
            Content = JsonContent.Create(new { items = new[] { new { sku, quantity } } }),
            Headers = { { "Idempotency-Key", idempotencyKey } },
        }, token, cancellationToken);

    public Task<GatewayResult<OrderDetails>> GetOrderAsync(string token, string orderId, CancellationToken cancellationToken) =>
        SendAsync<OrderDetails>(() => new(HttpMethod.Get, $"/api/orders/{Uri.EscapeDataString(orderId)}"), token, cancellationToken);

    public Task<GatewayResult<OrderPage>> ListOrdersAsync(string token, CancellationToken cancellationToken) =>
        SendAsync<OrderPage>(() => new(HttpMethod.Get, "/api/orders?pageSize=100"), token, cancellationToken);

    public Task<GatewayResult<ProductDetails>> CreateProductAsync(string token, object product, CancellationToken cancellationToken) =>
        SendAsync<ProductDetails>(() => new(HttpMethod.Post, "/api/catalog/products") { Content = JsonContent.Create(product) }, token, cancellationToken);

    public Task<GatewayResult<ProductDetails>> UpdateProductAsync(string token, string sku, string etag, object product, CancellationToken cancellationToken) =>
        SendAsync<ProductDetails>(() => WithIfMatch(new(HttpMethod.Put, $"/api/catalog/products/{Uri.EscapeDataString(sku)}") { Content = JsonContent.Create(product) }, etag),
            token, cancellationToken);

    public Task<GatewayResult<ProductDetails>> ScheduleSaleAsync(string token, string sku, string etag, object sale, CancellationToken cancellationToken) =>
        SendAsync<ProductDetails>(() => WithIfMatch(new(HttpMethod.Put, $"/api/catalog/products/{Uri.EscapeDataString(sku)}/sale") { Content = JsonContent.Create(sale) }, etag),
            token, cancellationToken);

    public Task<GatewayResult<StockLevels>> GetStockAsync(string token, string sku, CancellationToken cancellationToken) =>
        SendAsync<StockLevels>(() => new(HttpMethod.Get, $"/api/inventory/stock/{Uri.EscapeDataString(sku)}"), token, cancellationToken);

    public Task<GatewayResult<StockLevels>> SetStockAsync(string token, string sku, int? available, CancellationToken cancellationToken) =>
        SendAsync<StockLevels>(() => new(HttpMethod.Put, $"/api/inventory/stock/{Uri.EscapeDataString(sku)}") { Content = JsonContent.Create(new { available }) },
            token, cancellationToken);

    /// <summary>
    /// The snapshots of a stream (<c>/api/stream/...</c>), reconnecting after a drop with the last event's id, so the
    /// server sends only what changed since. <paramref name="onConnection"/> says whether the stream is live: a caller
    /// marks what it shows as possibly stale while it is not. A refusal (e.g. 404) ends the enumeration.
    /// </summary>
    public async IAsyncEnumerable<T> StreamAsync<T>(string path, string? token, Action<bool> onConnection,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        string? lastEventId = null;
        while (!cancellationToken.IsCancellationRequested)
        {
            HttpResponseMessage? response = null;
            try
            {
                var request = Authorized(new HttpRequestMessage(HttpMethod.Get, path), token);
                request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
                if (lastEventId is not null)
                {
                    request.Headers.Add("Last-Event-ID", lastEventId);
                }

                response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            }
            catch (HttpRequestException exception)
            {
                LogStreamDropped(path, exception.Message);
            }

            if (response is { StatusCode: HttpStatusCode.NotFound or HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized })
            {
                response.Dispose();
                onConnection(false);
                yield break;
            }

            if (response is { IsSuccessStatusCode: true })
            {
                using (response)
                {
                    onConnection(true);
                    var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
                    var items = SseParser.Create(stream).EnumerateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
                    while (await NextAsync(items, path))
                    {
                        lastEventId = items.Current.EventId ?? lastEventId;
                        if (JsonSerializer.Deserialize<T>(items.Current.Data, ApiJson.Options) is { } snapshot)
                        {
                            yield return snapshot;
                        }
                    }

                    await items.DisposeAsync();
                }
            }
            else
            {
                response?.Dispose();
            }

            onConnection(false);
            await Task.Delay(ReconnectDelay, cancellationToken);
        }
    }

    /// <summary>The user's claims from the token identity issued: the gateway validates it on every call, so it is only read here.</summary>
    public static JsonWebToken ReadClaims(string accessToken) => new(accessToken);

    private async Task<bool> NextAsync(IAsyncEnumerator<SseItem<string>> items, string path)
    {
        try
        {
            return await items.MoveNextAsync();
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException)
        {
            LogStreamDropped(path, exception.Message);
            return false;
        }
    }

    private async Task<GatewayResult<T>> SendAsync<T>(Func<HttpRequestMessage> request, string? token, CancellationToken cancellationToken,
        Func<HttpResponseMessage, CancellationToken, Task<T?>>? read = null)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(CallTimeout);
        try
        {
            using var response = await http.SendAsync(Authorized(request(), token), timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                var value = read is null ? await response.Content.ReadFromJsonAsync<T>(ApiJson.Options, timeout.Token) : await read(response, timeout.Token);
                return new GatewayResult<T>(value, null, response.Headers.ETag?.ToString());
            }

            return new GatewayResult<T>(default, await ProblemOfAsync(response, timeout.Token));
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            LogOutage(exception.GetType().Name, exception.Message);
            return new GatewayResult<T>(default, GatewayProblem.Outage);
        }
    }

    private static async Task<SignedIn?> ReadToken(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var answer = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        var token = answer.GetProperty("access_token").GetString()!;
        return new SignedIn(token, ReadClaims(token).ValidTo);
    }

    private static async Task<GatewayProblem> ProblemOfAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        var retryAfter = response.Headers.RetryAfter?.Delta is { } delta ? (int)Math.Ceiling(delta.TotalSeconds) : (int?)null;
        var errors = new Dictionary<string, string[]>();
        string? title = null, detail = null;
        if (response.Content.Headers.ContentType?.MediaType is "application/problem+json" or "application/json")
        {
            var problem = await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
            title = problem.TryGetProperty("title", out var t) ? t.GetString() : null;
            detail = problem.TryGetProperty("detail", out var d) ? d.GetString() : null;
            if (problem.TryGetProperty("errors", out var fields) && fields.ValueKind == JsonValueKind.Object)
            {
                foreach (var field in fields.EnumerateObject())
                {
                    errors[field.Name] = field.Value.EnumerateArray().Select(message => message.GetString() ?? "").ToArray();
                }
            }
        }

        return new GatewayProblem((int)response.StatusCode, title, detail, errors, retryAfter);
    }

    private static HttpRequestMessage Authorized(HttpRequestMessage request, string? token)
    {
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        return request;
    }

    private static HttpRequestMessage WithIfMatch(HttpRequestMessage request, string etag)
    {
        request.Headers.TryAddWithoutValidation("If-Match", etag);
        return request;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The gateway could not be reached ({Kind}: {Reason})")]
    private partial void LogOutage(string kind, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream {Path} dropped ({Reason}); reconnecting")]
    private partial void LogStreamDropped(string path, string reason);
}
