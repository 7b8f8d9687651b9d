namespace FlashSale.Ordering.Domain;

/// <summary>
/// Limits of one order. A flash sale is about many customers getting a few units each, so a line is capped at a few
/// units and an order at a basket's worth of lines; the caps also bound the work (actor calls) one request causes.
/// </summary>
public static class OrderRules
{
    public const int MaxLines = 20;
    public const int MinQuantity = 1;
    public const int MaxQuantityPerLine = 10;
}
