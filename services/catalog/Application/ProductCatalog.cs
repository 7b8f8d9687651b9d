using FlashSale.Catalog.Domain;
using FlashSale.Catalog.Infrastructure;
using FlashSale.Contracts;
using FlashSale.Contracts.Catalog;
using FlashSale.Messaging;

namespace FlashSale.Catalog.Application;

/// <summary>
/// The catalog's use cases: validate, write conditionally, then publish what changed. Changes to an existing product
/// take the ETag the caller read (HTTP If-Match) and fail as <see cref="WriteResult.Stale"/> rather than overwrite.
/// </summary>
public sealed class ProductCatalog(ProductStore store, IEventPublisher events, TimeProvider clock, ILogger<ProductCatalog> logger)
{
    public async Task<WriteResult> CreateAsync(ProductDraft draft, CancellationToken cancellationToken)
    {
        var validated = CatalogRules.ValidateProduct(draft, scheduledSale: null);
        if (!validated.IsValid)
        {
            return new WriteResult.Invalid(validated.Errors);
        }

        var product = validated.Value;
        if (await store.TryCreateAsync(product, cancellationToken) is not { } version)
        {
            return new WriteResult.AlreadyExists(product.Sku);
        }

        await PublishAsync(ProductUpdatedEvent(product, version));
        return await SavedAsync(product, version, cancellationToken);
    }

    public async Task<WriteResult> UpdateAsync(string sku, string ifMatch, ProductDraft draft, CancellationToken cancellationToken)
    {
        var (current, failure) = await FindForChangeAsync(sku, ifMatch, cancellationToken);
        if (current is null)
        {
            return failure!;
        }

        var validated = CatalogRules.ValidateProduct(draft with { Sku = sku }, current.Product.Sale);
        return validated.IsValid
            ? await ReplaceAsync(current, validated.Value, ProductUpdatedEvent, cancellationToken)
            : new WriteResult.Invalid(validated.Errors);
    }

    public async Task<WriteResult> DeleteAsync(string sku, string ifMatch, CancellationToken cancellationToken)
    {
        var (current, failure) = await FindForChangeAsync(sku, ifMatch, cancellationToken);
        if (current is null)
        {
            return failure!;
        }

        if (await store.TryDeleteAsync(current, cancellationToken) is not { } version)
        {
            return new WriteResult.Stale(sku);
        }

        await PublishAsync(new ProductDeleted(sku, version, clock.GetUtcNow()));
        return new WriteResult.Deleted();
    }

    /// <summary>Schedules the product's flash sale, replacing any sale it had.</summary>
    public async Task<WriteResult> ScheduleSaleAsync(string sku, string ifMatch, SaleDraft draft, CancellationToken cancellationToken)
    {
        var (current, failure) = await FindForChangeAsync(sku, ifMatch, cancellationToken);
        if (current is null)
        {
            return failure!;
        }

        var validated = CatalogRules.ValidateSale(draft, current.Product.Price, clock.GetUtcNow());
        return validated.IsValid
            ? await ReplaceAsync(current, current.Product with { Sale = validated.Value }, SaleScheduledEvent, cancellationToken)
            : new WriteResult.Invalid(validated.Errors);
    }

    public async Task<WriteResult> CancelSaleAsync(string sku, string ifMatch, CancellationToken cancellationToken)
    {
        var (current, failure) = await FindForChangeAsync(sku, ifMatch, cancellationToken);
        if (current is null)
        {
            return failure!;
        }

        return current.Product.Sale is null
            ? new WriteResult.NotFound($"Product '{sku}' has no flash sale.")
            : await ReplaceAsync(current, current.Product with { Sale = null },
                (product, version) => new SaleCancelled(product.Sku, version, clock.GetUtcNow()), cancellationToken);
    }

    /// <summary>The product to change, or why it cannot be changed: unknown, or not the version the caller read.</summary>
    private async Task<(StoredProduct? Current, WriteResult? Failure)> FindForChangeAsync(string sku, string ifMatch, CancellationToken cancellationToken)
    {
        var current = await store.FindAsync(sku, cancellationToken);
        return current switch
        {
            null => (null, WriteResult.NotFound.Product(sku)),
            _ when current.ETag != ifMatch => (null, new WriteResult.Stale(sku)),
            _ => (current, null),
        };
    }

    private async Task<WriteResult> ReplaceAsync<TEvent>(
        StoredProduct current, Product changed, Func<Product, long, TEvent> describe, CancellationToken cancellationToken)
        where TEvent : IIntegrationEvent
    {
        if (await store.TryReplaceAsync(current, changed, cancellationToken) is not { } version)
        {
            return new WriteResult.Stale(changed.Sku);
        }

        await PublishAsync(describe(changed, version));
        return await SavedAsync(changed, version, cancellationToken);
    }

    // Dapr's save does not return the new ETag: read it back, and hand it out only if it is still this version's.
    private async Task<WriteResult.Saved> SavedAsync(Product product, long version, CancellationToken cancellationToken)
    {
        var stored = await store.FindAsync(product.Sku, cancellationToken);
        return new WriteResult.Saved(product, version, stored?.Version == version ? stored.ETag : null);
    }

    /// <summary>
    /// Publishes after the save, without an outbox (ADR 0004). A failed publish is logged, not reported as a failed
    /// write: the write did happen, and retrying it would only meet a stale ETag. Not cancellable either, so a caller
    /// hanging up right after the save does not cost the event.
    /// </summary>
    private async Task PublishAsync<TEvent>(TEvent integrationEvent) where TEvent : IIntegrationEvent
    {
        try
        {
            await events.PublishAsync(integrationEvent, CancellationToken.None);
        }
        catch (EventPublishException ex)
        {
            logger.LogError(ex, "Saved but could not publish {EventType} for {Sku}", typeof(TEvent).Name, integrationEvent.PartitionKey);
        }
    }

    private ProductUpdated ProductUpdatedEvent(Product product, long version) =>
        new(product.Sku, product.Name, product.Price, product.Currency, version, clock.GetUtcNow());

    private SaleScheduled SaleScheduledEvent(Product product, long version)
    {
        var sale = product.Sale!;
        return new(product.Sku, sale.SalePrice, product.Currency, sale.StartsAt, sale.EndsAt, version, clock.GetUtcNow(),
            sale.PerCustomerLimit);
    }
}
