using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Dapr.Client;
using FlashSale.Payment.Domain;
using FlashSale.Sidecar;
using Microsoft.Extensions.Options;

namespace FlashSale.Payment.Infrastructure;

/// <summary>
/// A stand-in for a card payment provider. Like a real one it honours idempotency keys: a repeated call returns the
/// first call's result, marked as a replay, without moving money again. Its ledger lives in <c>payments-store</c>,
/// shared by every payment replica as a real provider's is: one entry per key and operation, inserted first-write-wins,
/// so of two replicas charging (or refunding) one key at the same time exactly one executes and the other replays.
/// A refund is filed under the key of the charge it refunds (payment uses the order id for both), so it finds that
/// charge without an index.
/// </summary>
public sealed class SimulatedPaymentProvider(DaprClient dapr, IOptionsMonitor<SimulatedProviderOptions> options, TimeProvider time)
    : IPaymentProvider
{
    public const string CardDeclined = "card declined";
    public const string InsufficientFunds = "insufficient funds";
    public const string InvalidAmount = "invalid amount";

    private static readonly StateOptions InsertOnly = new() { Concurrency = ConcurrencyMode.FirstWrite };

    public async Task<ChargeResult> ChargeAsync(ChargeRequest request, CancellationToken cancellationToken)
    {
        await SimulateLatencyAsync(cancellationToken);
        var decided = Decide(request);
        var (charge, replayed) = await RecordOnceAsync(ChargeKey(request.IdempotencyKey), new ProviderCharge(
            request.IdempotencyKey, request.CustomerId, request.Amount, request.Currency, decided.ChargeId, decided.DeclineReason,
            time.GetUtcNow()), cancellationToken);
        return new ChargeResult(charge.ChargeId, charge.DeclineReason, replayed);
    }

    public async Task<RefundResult> RefundAsync(RefundRequest request, CancellationToken cancellationToken)
    {
        await SimulateLatencyAsync(cancellationToken);
        var charge = await ReadAsync<ProviderCharge>(ChargeKey(request.IdempotencyKey), cancellationToken);
        if (charge is null || charge.ChargeId != request.ChargeId)
        {
            throw new InvalidOperationException($"the provider has no charge {request.ChargeId} under key {request.IdempotencyKey}");
        }

        var (refund, replayed) = await RecordOnceAsync(RefundKey(request.IdempotencyKey), new ProviderRefund(
            request.IdempotencyKey, request.ChargeId, $"re_{Guid.NewGuid():N}", request.Amount, request.Currency, time.GetUtcNow()),
            cancellationToken);
        return new RefundResult(refund.RefundId, replayed);
    }

    public async Task<ProviderLedger> LedgerAsync(string idempotencyKey, CancellationToken cancellationToken)
    {
        var charge = await ReadAsync<ProviderCharge>(ChargeKey(idempotencyKey), cancellationToken);
        var refund = await ReadAsync<ProviderRefund>(RefundKey(idempotencyKey), cancellationToken);
        return new ProviderLedger(charge is null ? [] : [charge], refund is null ? [] : [refund]);
    }

    /// <summary>
    /// Inserts <paramref name="entry"/> unless the key has one: true and the entry if this call won, else the entry the
    /// winner wrote and false (a replay). Lost races are told from store failures by the shared <see cref="StateWrites"/> rule.
    /// </summary>
    private async Task<(T Entry, bool Replayed)> RecordOnceAsync<T>(string key, T entry, CancellationToken cancellationToken) where T : class
    {
        var inserted = await StateWrites.TryAsync(PaymentStore.StoreName,
            () => dapr.TrySaveStateAsync(PaymentStore.StoreName, key, entry, etag: string.Empty, InsertOnly, cancellationToken: cancellationToken),
            async () => await ReadAsync<T>(key, cancellationToken) is not null);
        if (inserted)
        {
            return (entry, false);
        }

        var recorded = await ReadAsync<T>(key, cancellationToken)
            ?? throw new InvalidOperationException($"the provider's ledger lost its entry {key}");
        return (recorded, true);
    }

    private Task<T?> ReadAsync<T>(string key, CancellationToken cancellationToken) where T : class =>
        StateWrites.GuardAsync(PaymentStore.StoreName, () =>
            dapr.GetStateAsync<T?>(PaymentStore.StoreName, key, cancellationToken: cancellationToken));

    private static string ChargeKey(string idempotencyKey) => $"provider-charge-{idempotencyKey}";

    private static string RefundKey(string idempotencyKey) => $"provider-refund-{idempotencyKey}";

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
