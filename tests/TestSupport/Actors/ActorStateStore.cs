using System.Text.Json;

namespace FlashSale.TestSupport.Actors;

/// <summary>
/// The actor state store behind the stand-in sidecar. It lives as long as the sidecar, not the app, so state survives
/// deactivation and app restarts as it does in Dapr's actor state store. Values are the raw JSON the SDK sent.
/// </summary>
public sealed class ActorStateStore
{
    private readonly Dictionary<(ActorKey Actor, string Key), string> _values = [];
    private readonly Lock _lock = new();

    /// <summary>The stored JSON, or null when the key does not exist.</summary>
    private long _reads;

    /// <summary>Keys read through the actors API so far (each a round trip to daprd and its store on a cluster).</summary>
    public long Reads => Interlocked.Read(ref _reads);

    /// <summary>A read through the actors API, counted in <see cref="Reads"/>.</summary>
    public string? Read(ActorKey actor, string key)
    {
        Interlocked.Increment(ref _reads);
        return Get(actor, key);
    }

    public string? Get(ActorKey actor, string key)
    {
        lock (_lock)
        {
            return _values.GetValueOrDefault((actor, key));
        }
    }

    /// <summary>Reads a value as the SDK's default (web) JSON settings wrote it.</summary>
    public T? Read<T>(string actorType, string actorId, string key) =>
        Get(new ActorKey(actorType, actorId), key) is { } json ? JsonSerializer.Deserialize<T>(json, JsonSerializerOptions.Web) : default;

    public IReadOnlyList<string> KeysOf(ActorKey actor)
    {
        lock (_lock)
        {
            return _values.Keys.Where(entry => entry.Actor == actor).Select(entry => entry.Key).Order(StringComparer.Ordinal).ToList();
        }
    }

    /// <summary>Applies one actor's upserts and deletes all together, as Dapr's transactional actor state API does.</summary>
    public void Apply(ActorKey actor, IReadOnlyList<ActorStateOperation> operations)
    {
        lock (_lock)
        {
            foreach (var operation in operations)
            {
                if (operation.Value is null)
                {
                    _values.Remove((actor, operation.Key));
                }
                else
                {
                    _values[(actor, operation.Key)] = operation.Value;
                }
            }
        }
    }
}

/// <summary>One operation of an actor state transaction; a null <see cref="Value"/> deletes the key.</summary>
public sealed record ActorStateOperation(string Key, string? Value)
{
    /// <summary>
    /// Parses the body of <c>POST /v1.0/actors/&lt;type&gt;/&lt;id&gt;/state</c>:
    /// <c>[{"operation":"upsert","request":{"key":"k","value":...}}, {"operation":"delete","request":{"key":"k"}}]</c>.
    /// Throws <see cref="FormatException"/> for anything else, before a single operation is applied.
    /// </summary>
    public static IReadOnlyList<ActorStateOperation> ParseTransaction(JsonElement body)
    {
        if (body.ValueKind != JsonValueKind.Array)
        {
            throw new FormatException("the body must be a JSON array of operations");
        }

        return body.EnumerateArray().Select(Parse).ToList();
    }

    private static ActorStateOperation Parse(JsonElement element)
    {
        var operation = element.ValueKind == JsonValueKind.Object && element.TryGetProperty("operation", out var op) ? op.GetString() : null;
        if (!element.TryGetProperty("request", out var request) || request.ValueKind != JsonValueKind.Object
            || !request.TryGetProperty("key", out var keyElement) || keyElement.GetString() is not { Length: > 0 } key)
        {
            throw new FormatException("every operation needs a request with a key");
        }

        // State TTL is a preview feature (ActorStateTTL) that FlashSale does not enable; refusing it beats ignoring it.
        if (request.TryGetProperty("metadata", out var metadata) && metadata.ValueKind == JsonValueKind.Object
            && metadata.TryGetProperty("ttlInSeconds", out _))
        {
            throw new FormatException("actor state TTL (ttlInSeconds) needs Dapr's ActorStateTTL preview feature, which is not modelled");
        }

        return operation switch
        {
            "upsert" when request.TryGetProperty("value", out var value) => new ActorStateOperation(key, value.GetRawText()),
            "upsert" => throw new FormatException($"upsert of '{key}' has no value"),
            "delete" => new ActorStateOperation(key, null),
            _ => throw new FormatException($"unknown operation '{operation}' (upsert or delete)"),
        };
    }
}
