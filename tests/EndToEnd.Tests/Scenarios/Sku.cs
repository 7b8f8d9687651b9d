namespace FlashSale.EndToEnd.Tests.Scenarios;

internal static class Sku
{
    /// <summary>A SKU no other scenario sells, e.g. <c>HAPPY-1A2B3C4D</c> (catalog's format: capitals, digits, dashes).</summary>
    public static string New(string scenario) => $"{scenario}-{Guid.NewGuid().ToString("N")[..8]}".ToUpperInvariant();
}
