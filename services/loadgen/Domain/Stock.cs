namespace FlashSale.LoadGen.Domain;

/// <summary>One SKU's units as inventory counts them (<c>GET /api/inventory/stock/{sku}</c>).</summary>
public sealed record StockLevels(int Available, int Reserved, int Sold)
{
}

/// <summary>The lowest figures seen while sampling a SKU's stock; a negative one means inventory oversold.</summary>
public sealed class StockWatch
{
    private readonly Lock _lock = new();

    public StockLevels? Latest { get; private set; }

    public int LowestAvailable { get; private set; } = int.MaxValue;

    public int LowestReserved { get; private set; } = int.MaxValue;

    public int Samples { get; private set; }

    public void Observe(StockLevels levels)
    {
        lock (_lock)
        {
            Latest = levels;
            LowestAvailable = Math.Min(LowestAvailable, levels.Available);
            LowestReserved = Math.Min(LowestReserved, levels.Reserved);
            Samples++;
        }
    }
}
