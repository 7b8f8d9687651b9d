using System.Collections.Concurrent;
using FlashSale.OrderQuery.Domain;
using FlashSale.OrderQuery.Infrastructure;

namespace FlashSale.OrderQuery.Application;

/// <summary>
/// Lists a SKU in the dashboard index before anything is written for it, so a crash in between leaves at worst a
/// listed SKU with no figures yet, never figures nobody can find. SKUs are never unlisted, so once seen listed a SKU
/// is remembered and the index is not read again.
/// </summary>
public sealed class DashboardSkuList(ViewStore views)
{
    private readonly ConcurrentDictionary<string, bool> _listed = new(StringComparer.Ordinal);

    /// <summary>False when the index stayed contended; the caller hands the delivery back to Dapr.</summary>
    public async Task<bool> EnsureListedAsync(string sku, CancellationToken cancellationToken)
    {
        if (_listed.ContainsKey(sku))
        {
            return true;
        }

        var update = await views.UpdateAsync<DashboardSkus>(ViewKeys.DashboardSkus, list => DashboardSkus.Add(list, sku), cancellationToken);
        if (update.Outcome == ViewUpdateOutcome.Conflicted)
        {
            return false;
        }

        _listed[sku] = true;
        return true;
    }
}
