using System.Text.Json;
using Dapr;
using Dapr.Client;
using FlashSale.Sidecar;
using FlashSale.TestSupport.Sidecar;
using Grpc.Core;

namespace FlashSale.TestSupport;

/// <summary>
/// A test-only <see cref="DaprClient"/> for one app, backed by <see cref="InMemoryDapr"/>. It serializes values with
/// the same options as the real client and fails the way daprd makes the real one fail (a <see cref="DaprException"/>
/// wrapping the RPC status: <c>Aborted</c> for an ETag conflict on a save or delete, <c>Internal</c> for any failed
/// transaction, <c>InvalidArgument</c> for a store or pub/sub the app cannot see), so service code exercises its real
/// error paths. Building blocks the services do not use throw <see cref="NotSupportedException"/>.
/// </summary>
public sealed class InMemoryDaprClient(InMemoryDapr dapr, string appId) : DaprClient
{
    private static readonly JsonSerializerOptions Json = StateJson.Options;

    public string AppId { get; } = appId;

    public override JsonSerializerOptions JsonSerializerOptions => Json;

    // ---- health
    public override Task<bool> CheckHealthAsync(CancellationToken cancellationToken = default) => Task.FromResult(true);

    public override Task<bool> CheckOutboundHealthAsync(CancellationToken cancellationToken = default) => Task.FromResult(true);

    public override Task WaitForSidecarAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    // ---- state
    public override async Task<TValue> GetStateAsync<TValue>(string storeName, string key, ConsistencyMode? consistencyMode = null,
        IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        await StateHopAsync(cancellationToken);
        return Deserialize<TValue>(StoreOf(storeName).Get(key));
    }

    public override async Task<(TValue value, string etag)> GetStateAndETagAsync<TValue>(string storeName, string key,
        ConsistencyMode? consistencyMode = null, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        await StateHopAsync(cancellationToken);
        var item = StoreOf(storeName).Get(key);
        return (Deserialize<TValue>(item), item?.ETag ?? string.Empty);
    }

    public override async Task<IReadOnlyList<BulkStateItem>> GetBulkStateAsync(string storeName, IReadOnlyList<string> keys, int? parallelism,
        IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        await StateHopAsync(cancellationToken);
        var store = StoreOf(storeName);
        return keys.Select(key => store.Get(key) is { } item
            ? new BulkStateItem(key, System.Text.Encoding.UTF8.GetString(item.Value), item.ETag)
            : new BulkStateItem(key, string.Empty, string.Empty)).ToList();
    }

    public override async Task<IReadOnlyList<BulkStateItem<TValue>>> GetBulkStateAsync<TValue>(string storeName, IReadOnlyList<string> keys,
        int? parallelism, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        await StateHopAsync(cancellationToken);
        var store = StoreOf(storeName);
        return keys.Select(key => store.Get(key) is { } item
            ? new BulkStateItem<TValue>(key, Deserialize<TValue>(item), item.ETag)
            : new BulkStateItem<TValue>(key, default!, string.Empty)).ToList();
    }

    public override Task SaveStateAsync<TValue>(string storeName, string key, TValue value, StateOptions? stateOptions = null,
        IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) =>
        ApplyEach(storeName, [Write(key, value, etag: null, stateOptions)], cancellationToken);

    public override Task SaveBulkStateAsync<TValue>(string storeName, IReadOnlyList<SaveStateItem<TValue>> items,
        CancellationToken cancellationToken = default) =>
        ApplyEach(storeName, items.Select(item => Write(item.Key, item.Value, item.ETag, item.StateOptions)).ToList(), cancellationToken);

    public override async Task<bool> TrySaveStateAsync<TValue>(string storeName, string key, TValue value, string etag,
        StateOptions? stateOptions = null, IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(etag);
        try
        {
            await ApplyEach(storeName, [Write(key, value, etag, stateOptions)], cancellationToken);
            return true;
        }
        catch (DaprException ex) when (IsETagMismatch(ex))
        {
            return false;
        }
    }

    public override Task DeleteStateAsync(string storeName, string key, StateOptions? stateOptions = null,
        IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) =>
        ApplyEach(storeName, [new StateWrite(key, null, null, stateOptions?.Concurrency ?? ConcurrencyMode.LastWrite)], cancellationToken);

    public override async Task<bool> TryDeleteStateAsync(string storeName, string key, string etag, StateOptions? stateOptions = null,
        IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(etag);
        try
        {
            await ApplyEach(storeName, [new StateWrite(key, null, etag, stateOptions?.Concurrency ?? ConcurrencyMode.LastWrite)], cancellationToken);
            return true;
        }
        catch (DaprException ex) when (IsETagMismatch(ex))
        {
            return false;
        }
    }

    public override Task DeleteBulkStateAsync(string storeName, IReadOnlyList<BulkDeleteStateItem> items, CancellationToken cancellationToken = default) =>
        ApplyEach(storeName, items.Select(item => new StateWrite(item.Key, null, item.ETag, item.StateOptions?.Concurrency ?? ConcurrencyMode.LastWrite)).ToList(), cancellationToken);

    public override async Task ExecuteStateTransactionAsync(string storeName, IReadOnlyList<StateTransactionRequest> operations,
        IReadOnlyDictionary<string, string>? metadata = null, CancellationToken cancellationToken = default)
    {
        // daprd publishes each outbox upsert to the internal topic, then runs the transaction (outbox.go PublishInternal).
        var outboxPublishes = dapr.OutboxOf(storeName) is null ? 0 : operations.Count(op => op.OperationType == StateOperationType.Upsert && !IsProjection(op));
        await PlatformClock.WaitAsync(dapr.Timing.StateOperation + dapr.Timing.Publish * outboxPublishes, cancellationToken);
        dapr.BeforeStateTransaction?.Invoke(storeName, operations);
        var store = StoreOf(storeName);

        // Outbox projections (metadata outbox.projection=true) are never stored: they replace the payload published
        // for the upsert with the same key. A projection without a matching upsert fails the whole transaction.
        var projections = operations.Where(IsProjection).ToDictionary(op => op.Key);
        var writes = operations.Where(op => !IsProjection(op)).ToList();
        if (projections.Keys.Any(key => !writes.Any(op => op.Key == key && op.OperationType == StateOperationType.Upsert)))
        {
            throw DaprErrors.OutboxProjectionMismatch();
        }

        var result = store.Apply(writes.Select(op => new StateWrite(
            op.Key,
            op.OperationType == StateOperationType.Delete ? null : op.Value ?? [],
            op.ETag,
            op.Options?.Concurrency ?? ConcurrencyMode.LastWrite)).ToList());
        if (result != StateWriteResult.Applied)
        {
            throw DaprErrors.TransactionFailed(result == StateWriteResult.ETagInvalid ? "invalid etag value" : "possible etag mismatch");
        }

        // Published only once the transaction has committed (daprd checks the committed state before it publishes).
        if (dapr.OutboxOf(storeName) is { } outbox)
        {
            foreach (var upsert in writes.Where(op => op.OperationType == StateOperationType.Upsert))
            {
                dapr.Publish(OutboxMessage(outbox, upsert, projections.GetValueOrDefault(upsert.Key)));
            }
        }
    }

    private const string OutboxProjection = "outbox.projection";

    private static bool IsProjection(StateTransactionRequest op) =>
        op.Metadata?.TryGetValue(OutboxProjection, out var value) == true && string.Equals(value, "true", StringComparison.OrdinalIgnoreCase);

    // As daprd builds it (dapr/pkg/runtime/pubsub/outbox.go): the payload and content type come from the projection
    // when there is one, the CloudEvent attributes from the upsert's own metadata, and no partition key reaches Kafka.
    private PublishedMessage OutboxMessage(OutboxSettings outbox, StateTransactionRequest upsert, StateTransactionRequest? projection)
    {
        var message = projection ?? upsert;
        var contentType = message.Metadata?.GetValueOrDefault("contentType") ?? string.Empty;
        var attributes = (upsert.Metadata ?? new Dictionary<string, string>())
            .Where(pair => pair.Key != OutboxProjection)
            .ToDictionary(pair => pair.Key, pair => pair.Value);
        return new PublishedMessage(AppId, outbox.PubSubName, outbox.Topic, message.Value ?? [], contentType, attributes) { ViaOutbox = true };
    }

    // ---- pub/sub
    public override Task PublishEventAsync<TData>(string pubsubName, string topicName, TData data, CancellationToken cancellationToken = default) =>
        PublishEventAsync(pubsubName, topicName, data, new Dictionary<string, string>(), cancellationToken);

    public override Task PublishEventAsync<TData>(string pubsubName, string topicName, TData data, Dictionary<string, string> metadata,
        CancellationToken cancellationToken = default) =>
        Publish(pubsubName, topicName, JsonSerializer.SerializeToUtf8Bytes(data, Json), "application/json", metadata, cancellationToken);

    public override Task PublishEventAsync(string pubsubName, string topicName, CancellationToken cancellationToken = default) =>
        PublishEventAsync(pubsubName, topicName, new Dictionary<string, string>(), cancellationToken);

    public override Task PublishEventAsync(string pubsubName, string topicName, Dictionary<string, string> metadata, CancellationToken cancellationToken = default) =>
        Publish(pubsubName, topicName, [], "application/json", metadata, cancellationToken);

    public override Task PublishByteEventAsync(string pubsubName, string topicName, ReadOnlyMemory<byte> data, string dataContentType = "application/json",
        Dictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) =>
        Publish(pubsubName, topicName, data.ToArray(), dataContentType, metadata ?? [], cancellationToken);

    private async Task Publish(string pubsubName, string topicName, byte[] data, string contentType, IReadOnlyDictionary<string, string> metadata,
        CancellationToken cancellationToken)
    {
        await PlatformClock.WaitAsync(dapr.Timing.Publish, cancellationToken);
        if (dapr.BrokerUnavailable)
        {
            dapr.RefusedPublish();
            throw new DaprException("Publish operation failed: the Dapr endpoint indicated a failure. See InnerException for details.",
                new RpcException(new Status(StatusCode.Unavailable, $"pub/sub '{pubsubName}' cannot reach its broker")));
        }

        dapr.EnsurePubSubFor(AppId, pubsubName);
        dapr.Publish(new PublishedMessage(AppId, pubsubName, topicName, data, contentType, metadata));
    }

    // ---- service invocation (HTTP), through the sidecar stand-in when one is attached; the SDK's older
    // InvokeMethodAsync family is obsolete and stays unsupported below
    public override HttpClient CreateInvokableHttpClient(string? appId = null)
    {
        // The SDK's own InvocationHandler rewrites http://{app-id}/path to the sidecar's /v1.0/invoke/{app-id}/method/path.
        var client = new HttpClient(new InvocationHandler { InnerHandler = SidecarHandler("HTTP service invocation"), DaprEndpoint = DaprSidecarStandIn.SidecarAddress.OriginalString });
        if (appId is not null)
        {
            client.BaseAddress = new Uri($"http://{appId}");
        }

        return client;
    }

    private HttpMessageHandler SidecarHandler(string what) =>
        dapr.SidecarHandlerFactory?.Invoke(AppId) ?? throw new NotSupportedException($"{what} needs a sidecar stand-in (DaprSidecarStandIn)");

    // ---- helpers
    private InMemoryStateStore StoreOf(string storeName) => dapr.StoreFor(AppId, storeName);

    private static TValue Deserialize<TValue>(StoredItem? item) =>
        item is null ? default! : JsonSerializer.Deserialize<TValue>(item.Value, Json)!;

    private static StateWrite Write<TValue>(string key, TValue value, string? etag, StateOptions? options) =>
        new(key, JsonSerializer.SerializeToUtf8Bytes(value, Json), etag, options?.Concurrency ?? ConcurrencyMode.LastWrite);

    /// <summary>
    /// Single and bulk saves/deletes: each item succeeds or fails on its own (Dapr's bulk state API is not
    /// transactional); a failure is reported after every item was tried, Aborted for an ETag mismatch.
    /// </summary>
    private async Task ApplyEach(string storeName, IReadOnlyList<StateWrite> writes, CancellationToken cancellationToken)
    {
        await StateHopAsync(cancellationToken);
        var store = StoreOf(storeName);
        var results = writes.Select(write => store.Apply([write])).ToList();
        if (results.Contains(StateWriteResult.ETagMismatch))
        {
            throw DaprErrors.ETagMismatch(storeName);
        }

        if (results.Contains(StateWriteResult.ETagInvalid))
        {
            throw DaprErrors.ETagInvalid(storeName);
        }
    }

    /// <summary>The way to the state store and back, as the timing model has it (nothing without one).</summary>
    private Task StateHopAsync(CancellationToken cancellationToken) => PlatformClock.WaitAsync(dapr.Timing.StateOperation, cancellationToken);

    private static bool IsETagMismatch(DaprException ex) => ex.InnerException is RpcException { StatusCode: StatusCode.Aborted };

    // ---- building blocks FlashSale does not use
    private static NotSupportedException Unused(string what) => new($"{what} is not used by FlashSale services");

    public override Task<BulkPublishResponse<TValue>> BulkPublishEventAsync<TValue>(string pubsubName, string topicName, IReadOnlyList<TValue> events, Dictionary<string, string>? metadata = null, CancellationToken cancellationToken = default) => throw Unused("bulk publish");
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
