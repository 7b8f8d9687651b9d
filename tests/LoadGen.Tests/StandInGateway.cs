using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace FlashSale.LoadGen.Tests;

/// <summary>
/// A tiny FlashSale behind a gateway, in memory, answering loadgen's calls as the real routes do: one SKU's stock,
/// orders that are confirmed when first read, payments with a charge count. Faults make it break an invariant.
/// </summary>
internal sealed partial class StandInGateway : HttpMessageHandler
{
    private readonly Lock _lock = new();
    private readonly ConcurrentDictionary<string, (string Customer, int Quantity, bool Confirmed)> _orders = new();
    private readonly ConcurrentDictionary<string, string> _orderByKey = new();
    private int _available;
    private int _reserved;
    private int _sold;
    private int _orderReads;
    private int _openStreams;
    private int _mostOpenStreams;

    /// <summary>Inventory counts this many units more as sold than it was asked to commit.</summary>
    public int ExtraUnitsSold { get; init; }

    /// <summary>The provider charged every order this many times.</summary>
    public int ChargesPerOrder { get; init; } = 1;

    /// <summary>Without payment's admin route, as a gateway before it was routed.</summary>
    public bool RoutesPayments { get; init; } = true;

    /// <summary>payment answers with the provider's ledger (<c>charges</c>, <c>refunds</c>); an older payment did not.</summary>
    public bool ReportsLedger { get; init; } = true;

    /// <summary>Orders stay Placed for ever, as when the saga stalls.</summary>
    public bool Settles { get; init; } = true;

    public int Placements => _orders.Count;

    /// <summary>Every read of an order, polls and opened streams included.</summary>
    public int OrderReads => Volatile.Read(ref _orderReads);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri!.AbsolutePath;
        var body = request.Content is null ? default : await request.Content.ReadFromJsonAsync<JsonElement>(cancellationToken);
        var user = request.Headers.Authorization?.Parameter;
        return (request.Method.Method, path) switch
        {
            ("POST", "/api/auth/token") => Json(HttpStatusCode.OK, new { access_token = body.GetProperty("username").GetString(), token_type = "Bearer", expires_in = 900 }),
            ("POST", "/api/catalog/products") => Json(HttpStatusCode.Created, Product(body.GetProperty("sku").GetString()!), etag: "\"1\""),
            ("GET", _) when ProductPath().Match(path) is { Success: true } product => Json(HttpStatusCode.OK, Product(product.Groups[1].Value), etag: "\"1\""),
            ("PUT", _) when path.EndsWith("/sale", StringComparison.Ordinal) => Json(HttpStatusCode.OK, Product(path.Split('/')[4])),
            ("PUT", _) when path.StartsWith("/api/inventory/stock/", StringComparison.Ordinal) => SetStock(body.GetProperty("available").GetInt32()),
            ("GET", _) when path.StartsWith("/api/inventory/stock/", StringComparison.Ordinal) => Stock(),
            ("POST", "/api/orders") => Place(user!, request.Headers.GetValues("Idempotency-Key").Single(), body),
            ("GET", _) when path.StartsWith("/api/orders/", StringComparison.Ordinal) => ReadOrder(path["/api/orders/".Length..]),
            ("GET", _) when path.StartsWith("/api/stream/orders/", StringComparison.Ordinal) => await StreamOrderAsync(path["/api/stream/orders/".Length..], cancellationToken),
            ("GET", _) when path.StartsWith("/api/dashboard/sales/", StringComparison.Ordinal) =>
                Json(HttpStatusCode.OK, new { sku = "X", unitsSold = _orders.Values.Where(order => order.Confirmed).Sum(order => order.Quantity), confirmedOrders = 0, cancelledOrders = 0, soldOut = false }),
            ("GET", _) when path.StartsWith("/api/payments/", StringComparison.Ordinal) && RoutesPayments => Payment(path["/api/payments/".Length..]),
            _ => Json(HttpStatusCode.NotFound, new { status = 404, title = "Not Found" }, "application/problem+json"),
        };
    }

    private static object Product(string sku) => new { sku, name = sku, price = 100m, currency = "EUR", effectivePrice = 49m, onSale = true };

    private HttpResponseMessage SetStock(int available)
    {
        lock (_lock)
        {
            _available = available;
        }

        return Stock();
    }

    private HttpResponseMessage Stock()
    {
        lock (_lock)
        {
            return Json(HttpStatusCode.OK, new { sku = "X", available = _available, reserved = _reserved, sold = _sold });
        }
    }

    private HttpResponseMessage Place(string customer, string key, JsonElement body)
    {
        var quantity = body.GetProperty("items")[0].GetProperty("quantity").GetInt32();
        lock (_lock)
        {
            if (_orderByKey.TryGetValue(key, out var existing))
            {
                return Json(HttpStatusCode.Created, new { id = existing, status = "AwaitingPayment", total = 49m, currency = "EUR" });
            }

            if (_available < quantity)
            {
                return Json(HttpStatusCode.Conflict, new { status = 409, title = "Sold out", skus = new[] { "X" } }, "application/problem+json");
            }

            (_available, _reserved) = (_available - quantity, _reserved + quantity);
            var id = Guid.NewGuid().ToString();
            _orderByKey[key] = id;
            _orders[id] = (customer, quantity, false);
            return Json(HttpStatusCode.Created, new { id, status = "AwaitingPayment", total = 49m, currency = "EUR" });
        }
    }

    private HttpResponseMessage ReadOrder(string id) => Json(HttpStatusCode.OK, OrderOf(id));

    /// <summary>The order as it is read: confirmed by its first read unless orders do not settle.</summary>
    private object OrderOf(string id)
    {
        Interlocked.Increment(ref _orderReads);
        lock (_lock)
        {
            var order = _orders[id];
            if (!Settles)
            {
                return new { orderId = id, status = "Placed" };
            }

            if (!order.Confirmed)
            {
                _orders[id] = order with { Confirmed = true };
                (_reserved, _sold) = (_reserved - order.Quantity, _sold + order.Quantity + ExtraUnitsSold);
            }

            return new { orderId = id, status = "Confirmed" };
        }
    }

    /// <summary>The most order streams that were open at once.</summary>
    public int MostOpenStreams => Volatile.Read(ref _mostOpenStreams);

    /// <summary>
    /// A stream that stays open a moment, sends the order once (settling it, as a read does), then ends as a dropped
    /// connection would.
    /// </summary>
    private async Task<HttpResponseMessage> StreamOrderAsync(string id, CancellationToken cancellationToken)
    {
        var open = Interlocked.Increment(ref _openStreams);
        InterlockedMax(ref _mostOpenStreams, open);
        try
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
        }
        finally
        {
            Interlocked.Decrement(ref _openStreams);
        }

        var order = JsonSerializer.Serialize(OrderOf(id), JsonSerializerOptions.Web);
        return new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new StringContent($"retry: 1000\n\n: keep-alive\n\nid: 1\nevent: order\ndata: {order}\n\n", System.Text.Encoding.UTF8, "text/event-stream"),
        };
    }

    private static void InterlockedMax(ref int location, int value)
    {
        for (var seen = Volatile.Read(ref location); value > seen; seen = Volatile.Read(ref location))
        {
            if (Interlocked.CompareExchange(ref location, value, seen) == seen)
            {
                return;
            }
        }
    }

    private HttpResponseMessage Payment(string id) => ReportsLedger
        ? Json(HttpStatusCode.OK, new
        {
            orderId = id, status = "Succeeded", paymentId = $"pay-{id}", amount = 49m, currency = "EUR",
            chargeAttempts = ChargesPerOrder, refundAttempts = 0,
            charges = Enumerable.Range(1, ChargesPerOrder).Select(charge => new { chargeId = $"ch_{id}_{charge}", declineReason = (string?)null, amount = 49m, currency = "EUR" }),
            refunds = Array.Empty<object>(),
        })
        : Json(HttpStatusCode.OK, new
        {
            orderId = id, status = "Succeeded", paymentId = $"pay-{id}", amount = 49m, currency = "EUR",
            chargeAttempts = ChargesPerOrder, refundAttempts = 0,
        });

    private static HttpResponseMessage Json(HttpStatusCode status, object value, string mediaType = "application/json", string? etag = null)
    {
        var response = new HttpResponseMessage(status) { Content = JsonContent.Create(value, mediaType: new(mediaType)) };
        if (etag is not null)
        {
            response.Headers.ETag = new(etag);
        }

        return response;
    }

    [GeneratedRegex("^/api/catalog/products/([^/]+)$")]
    private static partial Regex ProductPath();
}
