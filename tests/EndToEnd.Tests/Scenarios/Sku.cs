namespace FlashSale.EndToEnd.Tests.Scenarios;

internal static class Sku
{
    /// <summary>A SKU no other scenario sells (catalog's format: capitals, digits and dashes, at most 32 characters).</summary>
    public static string New(string scenario) => $"{scenario}-{Guid.NewGuid():N}"[..Math.Min(32, scenario.Length + 9)].ToUpperInvariant();
}
