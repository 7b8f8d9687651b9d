using FlashSale.Contracts;
using FlashSale.Ordering.Domain;

namespace FlashSale.Ordering.Api;

public sealed record PlaceOrderRequest(IReadOnlyList<PlaceOrderItem?>? Items);

public sealed record PlaceOrderItem(string? Sku, int Quantity);

/// <summary>Checks the request the way a customer needs to hear it: every problem at once, named by its JSON path.</summary>
internal static class PlaceOrderValidation
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    /// <summary>Long enough for a UUID or a client's own scheme, short enough to bound what a client makes us store.</summary>
    public const int MaxIdempotencyKeyLength = 100;

    public static void ValidateIdempotencyKey(IHeaderDictionary headers, Dictionary<string, string[]> errors)
    {
        var values = headers[IdempotencyKeyHeader];
        var key = values.ToString();
        if (values.Count > 1)
        {
            errors[IdempotencyKeyHeader] = ["Send exactly one Idempotency-Key header."];
        }
        else if (string.IsNullOrWhiteSpace(key))
        {
            errors[IdempotencyKeyHeader] = ["The Idempotency-Key header is required: a unique value per order, reused only to retry it."];
        }
        else if (key.Length > MaxIdempotencyKeyLength)
        {
            errors[IdempotencyKeyHeader] = [$"The Idempotency-Key header has at most {MaxIdempotencyKeyLength} characters."];
        }
    }

    public static void ValidateBody(PlaceOrderRequest? request, Dictionary<string, string[]> errors)
    {
        if (request?.Items is not { Count: > 0 } items)
        {
            errors["items"] = ["At least one item is required."];
            return;
        }

        if (items.Count > OrderRules.MaxLines)
        {
            errors["items"] = [$"An order has at most {OrderRules.MaxLines} lines."];
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < items.Count; i++)
        {
            if (items[i] is not { } item)
            {
                errors[$"items[{i}]"] = ["An item is required."];
                continue;
            }

            if (string.IsNullOrWhiteSpace(item.Sku))
            {
                errors[$"items[{i}].sku"] = ["A SKU is required."];
            }
            else if (!Identifiers.IsSku(item.Sku))
            {
                errors[$"items[{i}].sku"] = [$"A SKU is {Identifiers.SkuRule}."];
            }
            else if (!seen.Add(item.Sku))
            {
                errors[$"items[{i}].sku"] = [$"'{item.Sku}' is already on another line; put its whole quantity on one line."];
            }

            if (item.Quantity is < OrderRules.MinQuantity or > OrderRules.MaxQuantityPerLine)
            {
                errors[$"items[{i}].quantity"] = [$"The quantity is between {OrderRules.MinQuantity} and {OrderRules.MaxQuantityPerLine}."];
            }
        }
    }

    /// <summary>System.Text.Json's path (<c>$.items[0].quantity</c>) as the field name the other errors use.</summary>
    public static string FieldOf(string? jsonPath) => jsonPath is null or "$" ? "body" : jsonPath.TrimStart('$', '.');
}
