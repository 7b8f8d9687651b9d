using System.Text.Json;
using Dapr.Client;
using FlashSale.Catalog.Domain;
using FlashSale.Contracts;
using FlashSale.Sidecar;

namespace FlashSale.Catalog.Infrastructure;

/// <summary>
/// Products in the Dapr state store <c>catalog-store</c>. Every write is conditional: on the ETag the caller read, or
/// insert-only (first-write-wins) for a key that does not exist yet, so no write ever overwrites one it has not seen.
/// A failing store surfaces as <see cref="StateStoreUnavailableException"/>, a lost race as a null/false result.
/// </summary>
public sealed class ProductStore(DaprClient dapr)
{
    public const string StoreName = "catalog-store";
    private const string IndexKey = "sku-index";

    // Each failed attempt means another create or delete won the index; this bounds a pathological storm, not a normal race.
    private const int MaxIndexAttempts = 25;

    private static readonly StateOptions ConditionalWrite = new()
    {
        Concurrency = ConcurrencyMode.FirstWrite,
        Consistency = ConsistencyMode.Strong,
    };

    public async Task<StoredProduct?> FindAsync(string sku, CancellationToken cancellationToken)
    {
        // A malformed SKU cannot exist, and some (e.g. containing "||") are keys the sidecar would reject.
        if (!Identifiers.IsSku(sku))
        {
            return null;
        }

        var (document, etag) = await ReadAsync<ProductDocument>(KeyOf(sku), cancellationToken);
        return document?.Product is { } product ? new StoredProduct(product, document.Version, etag) : null;
    }

    /// <summary>The live products among <paramref name="skus"/>, by SKU; unknown and malformed SKUs are left out.</summary>
    public async Task<IReadOnlyDictionary<string, StoredProduct>> FindManyAsync(IEnumerable<string> skus, CancellationToken cancellationToken)
    {
        var keys = skus.Where(Identifiers.IsSku).Distinct(StringComparer.Ordinal).Select(KeyOf).ToList();
        if (keys.Count == 0)
        {
            return new Dictionary<string, StoredProduct>();
        }

        var items = await StateWrites.GuardAsync(StoreName, () =>
            dapr.GetBulkStateAsync<ProductDocument?>(StoreName, keys, parallelism: null, cancellationToken: cancellationToken));
        return items
            .Where(item => item.Value?.Product is not null)
            .Select(item => new StoredProduct(item.Value!.Product!, item.Value.Version, item.ETag))
            .ToDictionary(stored => stored.Product.Sku, StringComparer.Ordinal);
    }

    public async Task<ProductPage> ListAsync(int offset, int pageSize, CancellationToken cancellationToken)
    {
        var (index, _) = await ReadIndexAsync(cancellationToken);
        var skus = index.Skus.Skip(offset).Take(pageSize).ToList();
        var products = await FindManyAsync(skus, cancellationToken);

        // A product deleted between the two reads is missing here: that page is one short, never wrong.
        return new ProductPage(skus.Where(products.ContainsKey).Select(sku => products[sku]).ToList(), index.Skus.Count);
    }

    /// <summary>Creates the product and lists it; returns its version, or null when the SKU is taken.</summary>
    public async Task<long?> TryCreateAsync(Product product, CancellationToken cancellationToken)
    {
        var key = KeyOf(product.Sku);
        var (existing, etag) = await ReadAsync<ProductDocument>(key, cancellationToken);
        if (existing?.Product is not null)
        {
            return null;
        }

        var document = new ProductDocument((existing?.Version ?? 0) + 1, product);
        return await TryWriteWithIndexAsync(key, document, etag, index => index.With(product.Sku), cancellationToken)
            ? document.Version
            : null;
    }

    /// <summary>Replaces <paramref name="current"/>; returns the new version, or null when it changed since it was read.</summary>
    public async Task<long?> TryReplaceAsync(StoredProduct current, Product changed, CancellationToken cancellationToken)
    {
        var key = KeyOf(current.Product.Sku);
        var document = new ProductDocument(current.Version + 1, changed);
        return await StateWrites.TryAsync(StoreName,
            () => dapr.TrySaveStateAsync(StoreName, key, document, current.ETag, ConditionalWrite, cancellationToken: cancellationToken),
            () => ChangedSinceAsync(key, current.ETag, cancellationToken))
            ? document.Version
            : null;
    }

    /// <summary>
    /// Deletes <paramref name="current"/> (leaving a tombstone) and unlists it; returns the tombstone's version, or null
    /// when the product changed since it was read.
    /// </summary>
    public async Task<long?> TryDeleteAsync(StoredProduct current, CancellationToken cancellationToken)
    {
        var tombstone = new ProductDocument(current.Version + 1, Product: null);
        return await TryWriteWithIndexAsync(KeyOf(current.Product.Sku), tombstone, current.ETag,
            index => index.Without(current.Product.Sku), cancellationToken)
            ? tombstone.Version
            : null;
    }

    /// <summary>
    /// Writes a product document and the index in one transaction, so the list never misses a product nor shows a
    /// deleted one. Every create and delete rewrites the index: losing that race is normal, and is retried on a fresh
    /// read. Losing the race on the product document itself means the caller's precondition is gone: false.
    /// </summary>
    private async Task<bool> TryWriteWithIndexAsync(
        string key, ProductDocument document, string documentETag, Func<SkuIndex, SkuIndex> changeIndex, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            var (index, indexETag) = await ReadIndexAsync(cancellationToken);
            StateTransactionRequest[] operations =
            [
                ConditionalUpsert(key, document, documentETag),
                ConditionalUpsert(IndexKey, changeIndex(index), indexETag),
            ];
            // Dapr does not say which ETag failed, so look: only a changed index is worth another attempt.
            var won = await StateWrites.TryAsync(StoreName,
                () => dapr.ExecuteStateTransactionAsync(StoreName, operations, cancellationToken: cancellationToken),
                async () => await ChangedSinceAsync(key, documentETag, cancellationToken) || await ChangedSinceAsync(IndexKey, indexETag, cancellationToken));
            if (won)
            {
                return true;
            }

            if (await ChangedSinceAsync(key, documentETag, cancellationToken) || attempt == MaxIndexAttempts)
            {
                return false;
            }
        }
    }

    private async Task<bool> ChangedSinceAsync(string key, string etag, CancellationToken cancellationToken) =>
        (await ReadAsync<object>(key, cancellationToken)).ETag != etag;

    private async Task<(SkuIndex Index, string ETag)> ReadIndexAsync(CancellationToken cancellationToken)
    {
        var (index, etag) = await ReadAsync<SkuIndex>(IndexKey, cancellationToken);
        return (index ?? SkuIndex.Empty, etag);
    }

    private async Task<(T? Value, string ETag)> ReadAsync<T>(string key, CancellationToken cancellationToken) where T : class
    {
        var (value, etag) = await StateWrites.GuardAsync(StoreName, () =>
            dapr.GetStateAndETagAsync<T?>(StoreName, key, ConsistencyMode.Strong, cancellationToken: cancellationToken));
        return (value, etag ?? string.Empty);
    }

    // No ETag (a key not written yet) with first-write concurrency means insert-only.
    private StateTransactionRequest ConditionalUpsert<T>(string key, T value, string etag) =>
        new(key, JsonSerializer.SerializeToUtf8Bytes(value, dapr.JsonSerializerOptions), StateOperationType.Upsert,
            etag: string.IsNullOrEmpty(etag) ? null : etag, options: ConditionalWrite);

    private static string KeyOf(string sku) => $"product-{sku}";
}
