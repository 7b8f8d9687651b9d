using System.Text.Json;
using System.Text.Json.Serialization;
using FlashSale.LoadGen.Domain;

namespace FlashSale.LoadGen.Infrastructure;

// The gateway's requests and answers as loadgen sends and reads them: only the fields it uses. They are its own
// types, not the services', because loadgen talks to a deployed gateway over the wire like any other client.

public sealed record SignIn(string Username, string Password);

public sealed record TokenAnswer(
    [property: JsonPropertyName("access_token")] string AccessToken,
    [property: JsonPropertyName("expires_in")] int ExpiresIn);

public sealed record NewProduct(string Sku, string Name, string Description, decimal Price, string Currency);

public sealed record SaleSchedule(decimal SalePrice, DateTimeOffset StartsAt, DateTimeOffset EndsAt);

public sealed record StockSetting(int Available);

/// <summary>A product page; loadgen only checks that it is there.</summary>
public sealed record ProductView(string Sku);

public sealed record OrderItem(string Sku, int Quantity);

public sealed record OrderRequest(IReadOnlyList<OrderItem> Items);

/// <summary>ordering's answer to a placement (201).</summary>
public sealed record PlacedOrder(string Id, string Status);

/// <summary>order-query's view of one order.</summary>
public sealed record OrderView(string OrderId, string Status)
{
    public const string Confirmed = "Confirmed";
    public const string Cancelled = "Cancelled";

    public bool IsSettled => Status is Confirmed or Cancelled;
}

/// <summary>order-query's sale dashboard for one SKU.</summary>
public sealed record SaleFigures(string Sku, int UnitsSold);

/// <summary>
/// payment's admin view of one order's payment, with the provider's ledger for it: <see cref="Charges"/> are the
/// charges the provider executed (replays add none); those with a charge id took money. A payment service that does
/// not report the ledger leaves it null, and the invariant falls back on <see cref="ChargeAttempts"/>.
/// </summary>
public sealed record PaymentView(
    string OrderId, string Status, int ChargeAttempts, IReadOnlyList<ProviderChargeView>? Charges)
{
    /// <summary>The title of payment's own 404: the order was never charged (any other 404 is the gateway's: no route).</summary>
    public const string NotRecordedTitle = "No payment is recorded for this order";

    public PaymentObservation ToObservation() =>
        new(OrderId, Status, ChargeAttempts, Charges?.Count(charge => charge.ChargeId is not null));
}

/// <summary>One charge in the provider's ledger: a charge id when it took money, else the decline reason.</summary>
public sealed record ProviderChargeView(string? ChargeId, string? DeclineReason);

/// <summary>An RFC 9457 problem, with the field errors of a 400.</summary>
public sealed record Problem(string? Title, string? Detail, IReadOnlyDictionary<string, string[]>? Errors)
{
    /// <summary>The title and the first field errors, for a one-line message.</summary>
    public string Describe()
    {
        var text = Detail is { Length: > 0 } detail ? $"{Title}: {detail}" : Title ?? "no details";
        return Errors is { Count: > 0 } errors
            ? $"{text} ({string.Join("; ", errors.Select(error => $"{error.Key}: {string.Join(" ", error.Value)}"))})"
            : text;
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(SignIn))]
[JsonSerializable(typeof(TokenAnswer))]
[JsonSerializable(typeof(NewProduct))]
[JsonSerializable(typeof(SaleSchedule))]
[JsonSerializable(typeof(StockSetting))]
[JsonSerializable(typeof(ProductView))]
[JsonSerializable(typeof(OrderRequest))]
[JsonSerializable(typeof(PlacedOrder))]
[JsonSerializable(typeof(OrderView))]
[JsonSerializable(typeof(SaleFigures))]
[JsonSerializable(typeof(PaymentView))]
[JsonSerializable(typeof(Problem))]
[JsonSerializable(typeof(StockLevels))]
internal sealed partial class GatewayJson : JsonSerializerContext;
