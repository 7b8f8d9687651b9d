using FlashSale.OrderQuery.Domain;
using FlashSale.OrderQuery.Infrastructure;
using FlashSale.Messaging;

namespace FlashSale.OrderQuery.Application;

/// <summary>Updates a SKU's product, sale and stock facts from catalog and inventory events.</summary>
public sealed partial class SaleDashboardProjector(ViewStore views, DashboardSkuList skus, ILogger<SaleDashboardProjector> logger)
{
    public async Task<EventOutcome> ProjectAsync(string sku, Func<SaleDashboard?, SaleDashboard?> project, CancellationToken cancellationToken)
    {
        if (await skus.EnsureListedAsync(sku, cancellationToken)
            && (await views.UpdateAsync(ViewKeys.Dashboard(sku), project, cancellationToken)).Outcome != ViewUpdateOutcome.Conflicted)
        {
            return EventOutcome.Success;
        }

        LogContended(sku, ViewStore.MaxAttempts);
        return EventOutcome.Retry;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The dashboard of {Sku} stayed contended for {Attempts} attempts; asking Dapr to redeliver")]
    private partial void LogContended(string sku, int attempts);
}
