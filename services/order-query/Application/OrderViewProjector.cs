using FlashSale.OrderQuery.Domain;
using FlashSale.OrderQuery.Infrastructure;
using FlashSale.Messaging;

namespace FlashSale.OrderQuery.Application;

/// <summary>
/// Updates an order's view, then what the order feeds into shared views: its entry in the customer's list and its
/// contributions to the sale ledgers. Those follow the order view (written first) and are idempotent, stamped with
/// the view's revision. If the process dies in between, Dapr redelivers the event; the view then looks unchanged (a
/// duplicate), and that is exactly when the shared views are brought up to date again.
/// </summary>
public sealed partial class OrderViewProjector(ViewStore views, DashboardSkuList skus, ILogger<OrderViewProjector> logger)
{
    public async Task<EventOutcome> ProjectAsync(string orderId, Func<OrderView?, OrderView?> project, CancellationToken cancellationToken)
    {
        var update = await views.UpdateAsync(ViewKeys.Order(orderId), project, cancellationToken);
        if (update.Outcome == ViewUpdateOutcome.Conflicted)
        {
            return Contended(ViewKeys.Order(orderId));
        }

        if (update.After is not { } view)
        {
            return EventOutcome.Success;
        }

        var redelivered = update.Outcome == ViewUpdateOutcome.Unchanged;
        if (redelivered || update.Before?.Listing != view.Listing)
        {
            if (!await ListAsync(view, cancellationToken))
            {
                return Contended(ViewKeys.CustomerOrders(view.CustomerId!));
            }
        }

        if (redelivered || !SaleContribution.Of(update.Before).SequenceEqual(SaleContribution.Of(view)))
        {
            foreach (var contribution in SaleContribution.Of(view))
            {
                if (!await RecordAsync(view, contribution, cancellationToken))
                {
                    return Contended(ViewKeys.LedgerShard(contribution.Sku, SaleLedger.ShardOf(orderId)));
                }
            }
        }

        return EventOutcome.Success;
    }

    private async Task<bool> ListAsync(OrderView view, CancellationToken cancellationToken)
    {
        if (view.Listing is not { } listing)
        {
            return true;
        }

        var indexKey = ViewKeys.CustomerOrders(listing.CustomerId);
        var update = await views.UpdateAsync<CustomerOrders>(indexKey,
            index => CustomerOrders.Record(index, view.OrderId, listing, view.Revision), cancellationToken);
        if (update is { Outcome: ViewUpdateOutcome.Written, After: { } listed } && CustomerOrders.IsDueForArchiving(listed))
        {
            await ArchiveAsync<CustomerOrders, CustomerOrdersArchive>(indexKey, ViewKeys.NewCustomerOrdersArchive(listing.CustomerId),
                CustomerOrders.IsDueForArchiving, CustomerOrders.Archived,
                index => new CustomerOrdersArchive(index.CustomerId, index.Orders), cancellationToken);
        }

        return update.Outcome != ViewUpdateOutcome.Conflicted;
    }

    private async Task<bool> RecordAsync(OrderView view, SkuContribution contribution, CancellationToken cancellationToken)
    {
        if (!await skus.EnsureListedAsync(contribution.Sku, cancellationToken))
        {
            return false;
        }

        var shardKey = ViewKeys.LedgerShard(contribution.Sku, SaleLedger.ShardOf(view.OrderId));
        var update = await views.UpdateAsync<SaleLedgerShard>(shardKey,
            shard => SaleLedger.Record(shard, view.OrderId, view.Revision, contribution), cancellationToken);
        if (update is { Outcome: ViewUpdateOutcome.Written, After: { } recorded } && SaleLedger.IsDueForArchiving(recorded))
        {
            await ArchiveAsync<SaleLedgerShard, SaleLedgerArchive>(shardKey, ViewKeys.NewLedgerArchive(recorded.Sku, recorded.Shard),
                SaleLedger.IsDueForArchiving, SaleLedger.Archived,
                shard => new SaleLedgerArchive(shard.Sku, shard.Orders), cancellationToken);
        }

        return update.Outcome != ViewUpdateOutcome.Conflicted;
    }

    /// <summary>
    /// Moves a full document's entries (a ledger shard, a customer's index) to a new archive, lists it in the document's
    /// <see cref="ArchiveDirectory"/>, then empties the document if nobody wrote it in between. Each step only adds: a
    /// move that stops after the archive leaves a document nobody lists, one that stops after listing it leaves its
    /// entries in both places (readers take each order's newest entry), and the next recording tries again. See
    /// docs/adr/0026 and 0030.
    /// </summary>
    private async Task ArchiveAsync<TIndex, TArchive>(string key, string archiveKey, Func<TIndex, bool> isDue,
        Func<TIndex, TIndex> archived, Func<TIndex, TArchive> archive, CancellationToken cancellationToken)
        where TIndex : class
        where TArchive : class
    {
        if (!await views.TryUpdateOnceAsync<TIndex>(key,
            index => isDue(index) ? archived(index) : null,
            async (index, token) =>
            {
                await views.WriteNewAsync(archiveKey, archive(index), token);
                var listed = await views.UpdateAsync<ArchiveDirectory>(ViewKeys.ArchivesOf(key),
                    directory => ArchiveDirectory.Listing(directory, archiveKey), token);
                return listed.Outcome != ViewUpdateOutcome.Conflicted;
            },
            cancellationToken))
        {
            LogArchiveDeferred(key);
        }
    }

    private EventOutcome Contended(string key)
    {
        LogContended(key, ViewStore.MaxAttempts);
        return EventOutcome.Retry;
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "{Key} changed while its entries were being archived; the next recording tries again")]
    private partial void LogArchiveDeferred(string key);

    [LoggerMessage(Level = LogLevel.Warning, Message = "View {Key} stayed contended for {Attempts} attempts; asking Dapr to redeliver")]
    private partial void LogContended(string key, int attempts);
}
