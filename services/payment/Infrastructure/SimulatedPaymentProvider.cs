using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using FlashSale.Payment.Domain;
using Microsoft.Extensions.Options;

namespace FlashSale.Payment.Infrastructure;

/// <summary>
/// An in-process stand-in for a card payment provider. Like a real one it honours idempotency keys: a repeated call
/// returns the first call's result without moving money again. <see cref="Entries"/> is its ledger of every call, so
/// tests can assert that an order was charged exactly once. Keys and ledger live in process memory for the life of the
/// pod (a real provider keeps keys for a day or so, centrally): fine for demos and tests, not for a months-long run.
/// </summary>
public sealed class SimulatedPaymentProvider(IOptionsMonitor<SimulatedProviderOptions> options, TimeProvider time) : IPaymentProvider
{
    public const string CardDeclined = "card declined";
    public const string InsufficientFunds = "insufficient funds";
    public const string InvalidAmount = "invalid amount";

    private readonly Lock _gate = new();
    private readonly Dictionary<string, ChargeResult> _charges = [];
    private readonly Dictionary<string, RefundResult> _refunds = [];
    private readonly List<ProviderEntry> _entries = [];

    public IReadOnlyList<ProviderEntry> Entries
    {
        get
        {
            lock (_gate)
            {
                return [.. _entries];
            }
        }
    }

    /// <summary>The charges really executed (not replayed) for an idempotency key.</summary>
    public IReadOnlyList<ProviderEntry> ChargesFor(string idempotencyKey) =>
        Entries.Where(e => e.Operation == ProviderOperation.Charge && e.IdempotencyKey == idempotencyKey && !e.Replayed).ToList();

    /// <summary>The refunds really executed (not replayed) for an idempotency key.</summary>
    public IReadOnlyList<ProviderEntry> RefundsFor(string idempotencyKey) =>
        Entries.Where(e => e.Operation == ProviderOperation.Refund && e.IdempotencyKey == idempotencyKey && !e.Replayed).ToList();

    public async Task<ChargeResult> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken)
    {
        await SimulateLatencyAsync(cancellationToken);
        lock (_gate)
        {
            var replayed = _charges.TryGetValue(request.IdempotencyKey, out var result);
            result ??= _charges[request.IdempotencyKey] = Decide(request);
            _entries.Add(new ProviderEntry(ProviderOperation.Charge, request.IdempotencyKey, request.Amount, request.Currency,
                result.ChargeId ?? result.DeclineReason!, replayed, time.GetUtcNow()));
            return result;
        }
    }

    public async Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken)
    {
        await SimulateLatencyAsync(cancellationToken);
        lock (_gate)
        {
            if (!_charges.Values.Any(charge => charge.ChargeId == request.ChargeId))
            {
                throw new InvalidOperationException($"the provider has no charge {request.ChargeId}");
            }

            var replayed = _refunds.TryGetValue(request.IdempotencyKey, out var result);
            result ??= _refunds[request.IdempotencyKey] = new RefundResult($"re_{Guid.NewGuid():N}");
            _entries.Add(new ProviderEntry(ProviderOperation.Refund, request.IdempotencyKey, request.Amount, request.Currency,
                result.RefundId, replayed, time.GetUtcNow()));
            return result;
        }
    }

    private ChargeResult Decide(ChargeRequest request)
    {
        var settings = options.CurrentValue;
        if (request.Amount <= 0)
        {
            return ChargeResult.Declined(InvalidAmount);
        }

        if (settings.DeclinedCustomers.Contains(request.CustomerId, StringComparer.Ordinal))
        {
            return ChargeResult.Declined(CardDeclined);
        }

        var draw = settings.DeterministicFailures ? UniformDraw(request.IdempotencyKey) : Random.Shared.NextDouble();
        return draw < settings.FailureRate
            ? ChargeResult.Declined(InsufficientFunds)
            : ChargeResult.Approved($"ch_{Guid.NewGuid():N}");
    }

    /// <summary>A number in [0, 1) fixed by the key: the same order always draws the same.</summary>
    private static double UniformDraw(string key)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(key));
        return (BinaryPrimitives.ReadUInt64BigEndian(hash) >> 11) * (1.0 / (1UL << 53));
    }

    private Task SimulateLatencyAsync(CancellationToken cancellationToken)
    {
        var latency = options.CurrentValue.Latency;
        return latency > TimeSpan.Zero ? Task.Delay(latency, time, cancellationToken) : Task.CompletedTask;
    }
}

public enum ProviderOperation
{
    Charge,
    Refund,
}

/// <summary>One call the provider received. <see cref="Outcome"/> is the charge/refund id or the decline reason.</summary>
public sealed record ProviderEntry(
    ProviderOperation Operation, string IdempotencyKey, decimal Amount, string Currency, string Outcome, bool Replayed,
    DateTimeOffset At);
