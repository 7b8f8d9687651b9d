using System.Diagnostics.Metrics;
using FlashSale.Contracts.Inventory;
using FlashSale.Inventory.Domain;

namespace FlashSale.Inventory.Infrastructure;

/// <summary>
/// The stock actors' decisions and levels per SKU (services/metrics.json): reservations taken, refused (sold out, over
/// the per-customer limit) and expired, and the units available, reserved and sold after each saved change.
/// </summary>
public sealed class InventoryMetrics
{
    public const string MeterName = "FlashSale.Inventory";

    private readonly Counter<long> _reservations;
    private readonly Counter<long> _refusals;
    private readonly Counter<long> _expiries;
    private readonly Gauge<long> _units;

    public InventoryMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _reservations = meter.CreateCounter<long>("flashsale.stock.reservations", "{reservation}", "Reservations taken, by SKU");
        _refusals = meter.CreateCounter<long>("flashsale.stock.refusals", "{reservation}", "Reservations refused, by SKU and cause (sold_out, limit)");
        _expiries = meter.CreateCounter<long>("flashsale.stock.expiries", "{reservation}", "Reservations that expired unpaid and went back to stock, by SKU");
        _units = meter.CreateGauge<long>("flashsale.stock.units", "{unit}", "Units of a SKU by state (available, reserved, sold) after its last change");
    }

    public void Decided(string sku, IEnumerable<ReserveOutcome> outcomes)
    {
        foreach (var outcome in outcomes)
        {
            switch (outcome)
            {
                case ReserveOutcome.Reserved:
                    _reservations.Add(1, Sku(sku));
                    break;
                case ReserveOutcome.SoldOut:
                    _refusals.Add(1, Sku(sku), new KeyValuePair<string, object?>("flashsale.refusal.cause", "sold_out"));
                    break;
                case ReserveOutcome.CustomerLimit:
                    _refusals.Add(1, Sku(sku), new KeyValuePair<string, object?>("flashsale.refusal.cause", "limit"));
                    break;
            }
        }
    }

    public void Expired(string sku, int reservations) => _expiries.Add(reservations, Sku(sku));

    public void Levels(string sku, StockCounts counts)
    {
        _units.Record(counts.Available, Sku(sku), State("available"));
        _units.Record(counts.Reserved, Sku(sku), State("reserved"));
        _units.Record(counts.Sold, Sku(sku), State("sold"));
    }

    private static KeyValuePair<string, object?> Sku(string sku) => new("flashsale.sku", sku);

    private static KeyValuePair<string, object?> State(string state) => new("flashsale.stock.state", state);
}
