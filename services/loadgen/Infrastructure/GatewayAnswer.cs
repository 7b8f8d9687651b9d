using FlashSale.LoadGen.Domain;

namespace FlashSale.LoadGen.Infrastructure;

/// <summary>
/// What the gateway answered: the status (0 when no answer came, with <see cref="Failure"/> saying why), the body
/// read as <typeparamref name="T"/> on success, the problem on a refusal, Retry-After and ETag when sent.
/// </summary>
public sealed record GatewayAnswer<T>(int Status, T? Value, Problem? Problem, TimeSpan? RetryAfter, string? ETag, string? Failure)
{
    public bool Succeeded => Status is >= 200 and < 300 && Failure is null;

    public PlacementAnswer ToPlacementAnswer() => new(Status, Problem?.Title, RetryAfter);

    /// <summary>"409 Sold out: …", or "no answer (Connection refused (host:port))".</summary>
    public string Describe() => Status == 0
        ? $"no answer ({Failure})"
        : Problem is { } problem ? $"{Status} {problem.Describe()}" : Failure is { } failure ? $"{Status} ({failure})" : $"{Status}";
}

/// <summary>The answer of a call whose successful body loadgen does not read.</summary>
public sealed record Acknowledged;
