using FlashSale.Contracts.Inventory;
using FlashSale.Messaging;
using FlashSale.Ordering.Infrastructure;

namespace FlashSale.Ordering.Application;

/// <summary>Feeds the sold-out fast path with the stock figures inventory announces (this replica's share of them).</summary>
internal sealed class StockSignalHandler(StockSignals signals) : IEventHandler<StockChanged>
{
    public Task<EventOutcome> HandleAsync(StockChanged changed, EventContext context, CancellationToken cancellationToken)
    {
        signals.Observe(changed);
        return Task.FromResult(EventOutcome.Success);
    }
}
