using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;

namespace FlashSale.Inventory.Domain;

/// <summary>
/// SKUs (actor ids) and order ids (part of reminder names) travel unescaped in Dapr's actor URLs, so both are limited
/// to URL-safe characters.
/// </summary>
public static partial class StockIdentifiers
{
    public const int MaxSkuLength = 64;
    public const int MaxOrderIdLength = 100;

    public static bool IsValidSku([NotNullWhen(true)] string? sku) => sku is { Length: > 0 and <= MaxSkuLength } && UrlSafe().IsMatch(sku);

    public static bool IsValidOrderId([NotNullWhen(true)] string? orderId) =>
        orderId is { Length: > 0 and <= MaxOrderIdLength } && UrlSafe().IsMatch(orderId);

    // \z, not $: "$" would also accept a trailing newline.
    [GeneratedRegex(@"^[A-Za-z0-9._~-]+\z")]
    private static partial Regex UrlSafe();
}
