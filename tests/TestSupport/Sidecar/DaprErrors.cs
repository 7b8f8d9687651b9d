using Dapr;
using Grpc.Core;

namespace FlashSale.TestSupport.Sidecar;

/// <summary>
/// The errors daprd answers, shaped the way the .NET SDK surfaces them: a <see cref="DaprException"/> wrapping the
/// <see cref="RpcException"/> with daprd's gRPC status code and message (see dapr/pkg/api/errors).
/// </summary>
internal static class DaprErrors
{
    private const string StateFailed = "State operation failed: the Dapr endpoint indicated a failure. See InnerException for details.";
    private const string PublishFailed = "Publish operation failed: the Dapr endpoint indicated a failure. See InnerException for details.";

    /// <summary>The store is not declared, or not scoped to the calling app (daprd never loaded it).</summary>
    public static DaprException StateStoreNotFound(string storeName) =>
        new(StateFailed, new RpcException(new Status(StatusCode.InvalidArgument, $"state store {storeName} is not found")));

    public static DaprException PubSubNotFound(string pubsubName) =>
        new(PublishFailed, new RpcException(new Status(StatusCode.InvalidArgument, $"pubsub {pubsubName} not found")));

    /// <summary>A single save or delete whose ETag no longer matches: daprd maps the store's ETag error to Aborted.</summary>
    public static DaprException ETagMismatch(string storeName) =>
        new(StateFailed, new RpcException(new Status(StatusCode.Aborted,
            $"failed saving state in state store {storeName}: possible etag mismatch. error from state store: ETag mismatch")));

    /// <summary>An ETag the store cannot parse (e.g. not a UUID for PostgreSQL): daprd answers InvalidArgument.</summary>
    public static DaprException ETagInvalid(string storeName) =>
        new(StateFailed, new RpcException(new Status(StatusCode.InvalidArgument,
            $"failed saving state in state store {storeName}: invalid etag value: ETag is not valid")));

    /// <summary>
    /// Any failure inside a state transaction, ETag conflicts included: daprd's ExecuteStateTransaction wraps every
    /// store error as Internal (unlike single saves, which answer Aborted), so callers cannot tell a conflict by code.
    /// </summary>
    public static DaprException TransactionFailed(string detail) =>
        new(StateFailed, new RpcException(new Status(StatusCode.Internal, $"error while executing state transaction: {detail}")));

    public static DaprException OutboxProjectionMismatch() =>
        new(StateFailed, new RpcException(new Status(StatusCode.InvalidArgument,
            "error while executing state transaction: an outbox projection has no matching upsert")));
}
