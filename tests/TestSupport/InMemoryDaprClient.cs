using System.Text.Json;
using Dapr;
using Dapr.Client;
using Grpc.Core;

namespace FlashSale.TestSupport;

/// <summary>
/// A test-only <see cref="DaprClient"/> for one app, backed by <see cref="InMemoryDapr"/>. It serializes values with
/// the same options as the real client and fails the way the real one does (a <see cref="DaprException"/> wrapping an
/// <c>Aborted</c> RPC status for an ETag conflict), so service code exercises its real error paths. Building blocks the
/// services do not use throw <see cref="NotSupportedException"/>.
/// </summary>
public sealed class InMemoryDaprClient(InMemoryDapr dapr, string appId) : DaprClient
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public string AppId { get; } = appId;

    public override JsonSerializerOptions JsonSerializerOptions => Json;

    // ---- health
    public override Task<bool> CheckHealthAsync(CancellationToken cancellationToken = default) => Task.FromResult(true);

    public override Task<bool> CheckOutboundHealthAsync(CancellationToken cancellationToken = default) => Task.FromResult(true);

    public override Task WaitForSidecarAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    // ---- state
    public override Task<TValue> GetStateAsync<TValue>(string storeName, string key, ConsistencyMode? consistencyMode = null,
        IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) =>
        Task.FromResult(Deserialize<TValue>(dapr.Store(storeName).Get(key)));

    public override Task<(TValue value, string etag)> GetStateAndETagAsync<TValue>(string storeName, string key,
        ConsistencyMode? consistencyMode = null, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        var item = dapr.Store(storeName).Get(key);
        return Task.FromResult((Deserialize<TValue>(item), item?.ETag ?? string.Empty));
    }

    public override Task<IReadOnlyList<BulkStateItem>> GetBulkStateAsync(string storeName, IReadOnlyList<string> keys, int? parallelism,
        IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        var store = dapr.Store(storeName);
        IReadOnlyList<BulkStateItem> items = keys.Select(key => store.Get(key) is { } item
            ? new BulkStateItem(key, System.Text.Encoding.UTF8.GetString(item.Value), item.ETag)
            : new BulkStateItem(key, string.Empty, string.Empty)).ToList();
        return Task.FromResult(items);
    }

    public override Task<IReadOnlyList<BulkStateItem<TValue>>> GetBulkStateAsync<TValue>(string storeName, IReadOnlyList<string> keys,
        int? parallelism, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        var store = dapr.Store(storeName);
        IReadOnlyList<BulkStateItem<TValue>> items = keys.Select(key => store.Get(key) is { } item
            ? new BulkStateItem<TValue>(key, Deserialize<TValue>(item), item.ETag)
            : new BulkStateItem<TValue>(key, default!, string.Empty)).ToList();
        return Task.FromResult(items);
    }

    public override Task SaveStateAsync<TValue>(string storeName, string key, TValue value, StateOptions? stateOptions = null,
        IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) =>
        Apply(storeName, [Write(key, value, etag: null, stateOptions)]);

    public override Task SaveBulkStateAsync<TValue>(string storeName, IReadOnlyList<SaveStateItem<TValue>> items,
        CancellationToken cancellationToken = default) =>
        // Dapr's bulk save is not transactional: each item succeeds or fails on its own.
        Task.WhenAll(items.Select(item => Apply(storeName, [Write(item.Key, item.Value, item.ETag, item.StateOptions)])));

    public override async Task<bool> TrySaveStateAsync<TValue>(string storeName, string key, TValue value, string etag,
        StateOptions? stateOptions = null, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(etag);
        try
        {
            await Apply(storeName, [Write(key, value, etag, stateOptions)]);
            return true;
        }
        catch (DaprException ex) when (IsETagMismatch(ex))
        {
            return false;
        }
    }

    public override Task DeleteStateAsync(string storeName, string key, StateOptions? stateOptions = null,
        IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) =>
        Apply(storeName, [new StateWrite(key, null, null, stateOptions?.Concurrency ?? ConcurrencyMode.LastWrite)]);

    public override async Task<bool> TryDeleteStateAsync(string storeName, string key, string etag, StateOptions? stateOptions = null,
        IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(etag);
        try
        {
            await Apply(storeName, [new StateWrite(key, null, etag, stateOptions?.Concurrency ?? ConcurrencyMode.LastWrite)]);
            return true;
        }
        catch (DaprException ex) when (IsETagMismatch(ex))
        {
            return false;
        }
    }

    public override Task DeleteBulkStateAsync(string storeName, IReadOnlyList<BulkDeleteStateItem> items, CancellationToken cancellationToken = default) =>
        Task.WhenAll(items.Select(item => Apply(storeName, [new StateWrite(item.Key, null, item.ETag, item.StateOptions?.Concurrency ?? ConcurrencyMode.LastWrite)])));

    public override Task ExecuteStateTransactionAsync(string storeName, IReadOnlyList<StateTransactionRequest> operations,
        IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        dapr.BeforeStateTransaction?.Invoke(storeName, operations);

        // Outbox projections (metadata outbox.projection=true) are never stored: they replace the message published
        // for the upsert with the same key. A projection without a matching upsert fails the whole transaction.
        var projections = operations.Where(IsProjection).ToDictionary(op => op.Key);
        var writes = operations.Where(op => !IsProjection(op)).ToList();
        if (projections.Keys.Any(key => !writes.Any(op => op.Key == key && op.OperationType == StateOperationType.Upsert)))
        {
            throw new DaprException("State transaction failed: an outbox projection has no matching upsert",
                new RpcException(new Status(StatusCode.InvalidArgument, "outbox projection key mismatch")));
        }

        ApplyOrThrow(storeName, writes.Select(op => new StateWrite(
            op.Key,
            op.OperationType == StateOperationType.Delete ? null : op.Value ?? [],
            op.ETag,
            op.Options?.Concurrency ?? ConcurrencyMode.LastWrite)).ToList());

        if (dapr.OutboxOf(storeName) is { } outbox)
        {
            foreach (var upsert in writes.Where(op => op.OperationType == StateOperationType.Upsert))
            {
                var message = projections.GetValueOrDefault(upsert.Key) ?? upsert;
                var messageMetadata = (message.Metadata ?? new Dictionary<string, string>())
                    .Where(pair => pair.Key != OutboxProjection)
                    .ToDictionary(pair => pair.Key, pair => pair.Value);
                dapr.Publish(new PublishedMessage(AppId, outbox.PubSubName, outbox.Topic, message.Value ?? [], "application/json", messageMetadata));
            }
        }

        return Task.CompletedTask;
    }

    private const string OutboxProjection = "outbox.projection";

    private static bool IsProjection(StateTransactionRequest op) =>
        op.Metadata?.TryGetValue(OutboxProjection, out var value) == true && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);

    // ---- pub/sub
    public override Task PublishEventAsync<TData>(string pubsubName, string topicName, TData data, CancellationToken cancellationToken = default) =>
        PublishEventAsync(pubsubName, topicName, data, new Dictionary<string, string>(), cancellationToken);

    public override Task PublishEventAsync<TData>(string pubsubName, string topicName, TData data, Dictionary<string, string> metadata,
        CancellationToken cancellationToken = default)
    {
        dapr.Publish(new PublishedMessage(AppId, pubsubName, topicName, JsonSerializer.SerializeToUtf8Bytes(data, Json), "application/json", metadata));
        return Task.CompletedTask;
    }

    public override Task PublishEventAsync(string pubsubName, string topicName, CancellationToken cancellationToken = default) =>
        PublishEventAsync(pubsubName, topicName, new Dictionary<string, string>(), cancellationToken);

    public override Task PublishEventAsync(string pubsubName, string topicName, Dictionary<string, string> metadata, CancellationToken cancellationToken = default)
    {
        dapr.Publish(new PublishedMessage(AppId, pubsubName, topicName, [], "application/json", metadata));
        return Task.CompletedTask;
    }

    public override Task PublishByteEventAsync(string pubsubName, string topicName, ReadOnlyMemory<byte> data, string dataContentType = "application/json",
        Dictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        dapr.Publish(new PublishedMessage(AppId, pubsubName, topicName, data.ToArray(), dataContentType, metadata ?? []));
        return Task.CompletedTask;
    }

    // ---- helpers
    private static TValue Deserialize<TValue>(StoredItem? item) =>
        item is null ? default! : JsonSerializer.Deserialize<TValue>(item.Value, Json)!;

    private static StateWrite Write<TValue>(string key, TValue value, string? etag, StateOptions? options) =>
        new(key, JsonSerializer.SerializeToUtf8Bytes(value, Json), etag, options?.Concurrency ?? ConcurrencyMode.LastWrite);

    private Task Apply(string storeName, IReadOnlyList<StateWrite> writes)
    {
        ApplyOrThrow(storeName, writes);
        return Task.CompletedTask;
    }

    private void ApplyOrThrow(string storeName, IReadOnlyList<StateWrite> writes)
    {
        if (!dapr.Store(storeName).TryApply(writes))
        {
            throw new DaprException(
                "State operation failed: the Dapr endpoint indicated a failure. See InnerException for details.",
                new RpcException(new Status(StatusCode.Aborted, $"possible etag mismatch in store '{storeName}'")));
        }
    }

    private static bool IsETagMismatch(DaprException ex) => ex.InnerException is RpcException { StatusCode: StatusCode.Aborted };

    // ---- building blocks FlashSale does not use
    private static NotSupportedException Unused(string what) => new($"{what} is not used by FlashSale services");

    public override Task<BulkPublishResponse<TValue>> BulkPublishEventAsync<TValue>(string pubsubName, string topicName, IReadOnlyList<TValue> events, Dictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) => throw Unused("bulk publish");
    public override HttpClient CreateInvokableHttpClient(string? appId = null) => throw Unused("HTTP service invocation");
    public override HttpRequestMessage CreateInvokeMethodRequest(HttpMethod httpMethod, string appId, string methodName) => throw Unused("HTTP service invocation");
    public override HttpRequestMessage CreateInvokeMethodRequest(HttpMethod httpMethod, string appId, string methodName, IReadOnlyCollection<KeyValuePair<string, string>> queryStringParameters) => throw Unused("HTTP service invocation");
    public override HttpRequestMessage CreateInvokeMethodRequest<TRequest>(HttpMethod httpMethod, string appId, string methodName, IReadOnlyCollection<KeyValuePair<string, string>> queryStringParameters, TRequest data) => throw Unused("HTTP service invocation");
    [Obsolete("Obsolete in the Dapr SDK; not used by FlashSale")]
    public override Task InvokeMethodAsync(HttpRequestMessage request, CancellationToken cancellationToken = default) => throw Unused("HTTP service invocation");
    [Obsolete("Obsolete in the Dapr SDK; not used by FlashSale")]
    public override Task<TResponse> InvokeMethodAsync<TResponse>(HttpRequestMessage request, CancellationToken cancellationToken = default) => throw Unused("HTTP service invocation");
    [Obsolete("Obsolete in the Dapr SDK; not used by FlashSale")]
    public override Task<HttpResponseMessage> InvokeMethodWithResponseAsync(HttpRequestMessage request, CancellationToken cancellationToken = default) => throw Unused("HTTP service invocation");
    [Obsolete("Obsolete in the Dapr SDK; not used by FlashSale")]
    public override Task InvokeMethodGrpcAsync(string appId, string methodName, CancellationToken cancellationToken = default) => throw Unused("proto service invocation");
    [Obsolete("Obsolete in the Dapr SDK; not used by FlashSale")]
    public override Task InvokeMethodGrpcAsync<TRequest>(string appId, string methodName, TRequest data, CancellationToken cancellationToken = default) => throw Unused("proto service invocation");
    [Obsolete("Obsolete in the Dapr SDK; not used by FlashSale")]
    public override Task<TResponse> InvokeMethodGrpcAsync<TResponse>(string appId, string methodName, CancellationToken cancellationToken = default) => throw Unused("proto service invocation");
    [Obsolete("Obsolete in the Dapr SDK; not used by FlashSale")]
    public override Task<TResponse> InvokeMethodGrpcAsync<TRequest, TResponse>(string appId, string methodName, TRequest data, CancellationToken cancellationToken = default) => throw Unused("proto service invocation");
    public override Task InvokeBindingAsync<TRequest>(string bindingName, string operation, TRequest data, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) => throw Unused("bindings");
    public override Task<TResponse> InvokeBindingAsync<TRequest, TResponse>(string bindingName, string operation, TRequest data, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) => throw Unused("bindings");
    public override Task<BindingResponse> InvokeBindingAsync(BindingRequest request, CancellationToken cancellationToken = default) => throw Unused("bindings");
    public override Task<(ReadOnlyMemory<byte>, string etag)> GetByteStateAndETagAsync(string storeName, string key, ConsistencyMode? consistencyMode = null, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) => throw Unused("byte state");
    public override Task<ReadOnlyMemory<byte>> GetByteStateAsync(string storeName, string key, ConsistencyMode? consistencyMode = null, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) => throw Unused("byte state");
    public override Task SaveByteStateAsync(string storeName, string key, ReadOnlyMemory<byte> binaryValue, StateOptions? stateOptions = null, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) => throw Unused("byte state");
    public override Task<bool> TrySaveByteStateAsync(string storeName, string key, ReadOnlyMemory<byte> binaryValue, string etag, StateOptions? stateOptions = null, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) => throw Unused("byte state");
    public override Task<StateQueryResponse<TValue>> QueryStateAsync<TValue>(string storeName, string jsonQuery, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) => throw Unused("state query (alpha)");
    public override Task<Dictionary<string, string>> GetSecretAsync(string storeName, string key, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) => throw Unused("secrets");
    public override Task<Dictionary<string, Dictionary<string, string>>> GetBulkSecretAsync(string storeName, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) => throw Unused("secrets");
    public override Task<GetConfigurationResponse> GetConfiguration(string storeName, IReadOnlyList<string> keys, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) => throw Unused("configuration");
    public override Task<SubscribeConfigurationResponse> SubscribeConfiguration(string storeName, IReadOnlyList<string> keys, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) => throw Unused("configuration");
    public override Task<UnsubscribeConfigurationResponse> UnsubscribeConfiguration(string storeName, string id, CancellationToken cancellationToken = default) => throw Unused("configuration");
    public override Task<ReadOnlyMemory<byte>> EncryptAsync(string vaultResourceName, ReadOnlyMemory<byte> plaintextBytes, string keyName, EncryptionOptions encryptionOptions, CancellationToken cancellationToken = default) => throw Unused("cryptography");
    public override IAsyncEnumerable<ReadOnlyMemory<byte>> EncryptAsync(string vaultResourceName, Stream plaintextStream, string keyName, EncryptionOptions encryptionOptions, CancellationToken cancellationToken = default) => throw Unused("cryptography");
    public override Task<ReadOnlyMemory<byte>> DecryptAsync(string vaultResourceName, ReadOnlyMemory<byte> ciphertextBytes, string keyName, DecryptionOptions options, CancellationToken cancellationToken = default) => throw Unused("cryptography");
    public override Task<ReadOnlyMemory<byte>> DecryptAsync(string vaultResourceName, ReadOnlyMemory<byte> ciphertextBytes, string keyName, CancellationToken cancellationToken = default) => throw Unused("cryptography");
    public override IAsyncEnumerable<ReadOnlyMemory<byte>> DecryptAsync(string vaultResourceName, Stream ciphertextStream, string keyName, DecryptionOptions options, CancellationToken cancellationToken = default) => throw Unused("cryptography");
    public override IAsyncEnumerable<ReadOnlyMemory<byte>> DecryptAsync(string vaultResourceName, Stream ciphertextStream, string keyName, CancellationToken cancellationToken = default) => throw Unused("cryptography");
#pragma warning disable DAPR_DISTRIBUTEDLOCK // overriding an abstract member we never call
    public override Task<TryLockResponse> Lock(string storeName, string resourceId, string lockOwner, int expiryInSeconds, CancellationToken cancellationToken = default) => throw Unused("distributed lock");
#pragma warning restore DAPR_DISTRIBUTEDLOCK
#pragma warning disable DAPR_DISTRIBUTEDLOCK // overriding an abstract member we never call
    public override Task<UnlockResponse> Unlock(string storeName, string resourceId, string lockOwner, CancellationToken cancellationToken = default) => throw Unused("distributed lock");
#pragma warning restore DAPR_DISTRIBUTEDLOCK
    public override Task<DaprMetadata> GetMetadataAsync(CancellationToken cancellationToken = default) => throw Unused("metadata API");
    public override Task SetMetadataAsync(string attributeName, string attributeValue, CancellationToken cancellationToken = default) => throw Unused("metadata API");
    public override Task ShutdownSidecarAsync(CancellationToken cancellationToken = default) => throw Unused("sidecar shutdown");
}
