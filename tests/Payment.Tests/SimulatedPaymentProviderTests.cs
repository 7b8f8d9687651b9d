using FlashSale.Payment.Domain;
using FlashSale.Payment.Infrastructure;
using FlashSale.TestSupport;
using Microsoft.Extensions.Options;

namespace FlashSale.Payment.Tests;

/// <summary>The simulated provider over a payments store; several providers over one store are payment's replicas.</summary>
public class SimulatedPaymentProviderTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static SimulatedPaymentProvider Provider(
        double failureRate = 0, bool deterministic = false, InMemoryDapr? store = null, TimeSpan latency = default, params string[] declined) =>
        new(new InMemoryDaprClient(store ?? new InMemoryDapr(), "payment"), new StaticOptions(new SimulatedProviderOptions
        {
            Latency = latency,
            FailureRate = failureRate,
            DeterministicFailures = deterministic,
            DeclinedCustomers = [.. declined],
        }), TimeProvider.System);

    private static ChargeRequest Charge(string key, string customer = "customer-1", decimal amount = 10m) => new(key, customer, amount, "EUR");

    [Fact]
    public async Task The_same_idempotency_key_charges_once_and_replays_the_result()
    {
        var provider = Provider();

        var first = await provider.ChargeAsync(Charge("order-1"), TestContext.Current.CancellationToken);
        var second = await provider.ChargeAsync(Charge("order-1"), TestContext.Current.CancellationToken);

        Assert.NotNull(first.ChargeId);
        Assert.Equal((false, true), (first.Replayed, second.Replayed));
        Assert.Equal(first.ChargeId, second.ChargeId);
        Assert.Equal(first.ChargeId, Assert.Single((await provider.LedgerAsync("order-1", Cancellation)).Charges).ChargeId);
    }

    [Fact]
    public async Task Replicas_sharing_the_store_charging_one_key_at_once_move_money_once_and_the_others_replay_it()
    {
        // Each replica has its own provider client; only the store is shared. The latency lets every call decide
        // (and draw a charge id of its own) before any of them records it.
        var store = new InMemoryDapr();
        var replicas = Enumerable.Range(0, 4).Select(_ => Provider(store: store, latency: TimeSpan.FromMilliseconds(20))).ToList();

        var results = await Task.WhenAll(replicas.SelectMany(replica => Enumerable.Range(0, 5).Select(_ =>
            replica.ChargeAsync(Charge("order-1"), Cancellation))));

        var executed = Assert.Single(results, result => !result.Replayed);
        Assert.All(results, result => Assert.Equal(executed.ChargeId, result.ChargeId));
        var ledger = await replicas[3].LedgerAsync("order-1", Cancellation);
        Assert.Equal(executed.ChargeId, Assert.Single(ledger.Charges).ChargeId);
    }

    [Fact]
    public async Task A_charge_recorded_by_one_replica_is_replayed_by_another()
    {
        var store = new InMemoryDapr();

        var first = await Provider(store: store).ChargeAsync(Charge("order-1"), Cancellation);
        var onTheOtherReplica = await Provider(store: store).ChargeAsync(Charge("order-1"), Cancellation);

        Assert.Equal((first.ChargeId, true), (onTheOtherReplica.ChargeId, onTheOtherReplica.Replayed));
    }

    [Fact]
    public async Task When_the_store_is_down_a_charge_fails_and_nothing_is_recorded()
    {
        var store = new InMemoryDapr();
        var provider = Provider(store: store);

        using (store.Store(PaymentStore.StoreName).SimulateOutage())
        {
            await Assert.ThrowsAsync<FlashSale.Sidecar.StateStoreUnavailableException>(() => provider.ChargeAsync(Charge("order-1"), Cancellation));
        }

        Assert.Empty((await provider.LedgerAsync("order-1", Cancellation)).Charges);
    }

    [Fact]
    public async Task A_listed_customer_is_always_declined()
    {
        var provider = Provider(declined: "customer-9");

        var result = await provider.ChargeAsync(Charge("order-1", customer: "customer-9"), TestContext.Current.CancellationToken);

        Assert.Equal(ChargeResult.Declined(SimulatedPaymentProvider.CardDeclined), result);
    }

    [Fact]
    public async Task A_charge_without_a_positive_amount_is_declined()
    {
        var result = await Provider().ChargeAsync(Charge("order-1", amount: 0m), TestContext.Current.CancellationToken);

        Assert.Equal(SimulatedPaymentProvider.InvalidAmount, result.DeclineReason);
    }

    [Theory]
    [InlineData(0.0, 0)]
    [InlineData(1.0, 50)]
    public async Task The_failure_rate_bounds_how_many_charges_fail(double rate, int expectedFailures)
    {
        var provider = Provider(rate);

        var results = await Task.WhenAll(Enumerable.Range(0, 50).Select(i =>
            provider.ChargeAsync(Charge($"order-{i}"), TestContext.Current.CancellationToken)));

        Assert.Equal(expectedFailures, results.Count(r => r.DeclineReason == SimulatedPaymentProvider.InsufficientFunds));
    }

    [Fact]
    public async Task Deterministic_failures_give_an_order_the_same_outcome_on_every_provider()
    {
        var keys = Enumerable.Range(0, 200).Select(i => $"order-{i}").ToList();

        var first = await OutcomesAsync(Provider(0.3, deterministic: true), keys);
        var second = await OutcomesAsync(Provider(0.3, deterministic: true), keys);

        Assert.Equal(first, second);
        Assert.InRange(first.Count(failed => failed), 30, 90); // about 30% of 200, seeded by the order id
    }

    [Fact]
    public async Task A_refund_is_executed_once_per_key_by_whichever_replica_and_needs_the_charge_it_names()
    {
        var store = new InMemoryDapr();
        var (replica, otherReplica) = (Provider(store: store), Provider(store: store));
        var charge = await replica.ChargeAsync(Charge("order-1"), Cancellation);

        var refunds = await Task.WhenAll(new[] { replica, otherReplica, replica, otherReplica }.Select(provider =>
            provider.RefundAsync(new RefundRequest("order-1", charge.ChargeId!, 10m, "EUR"), Cancellation)));
        var refundOfTheRefund = await otherReplica.RefundAsync(new RefundRequest("order-1", charge.ChargeId!, 10m, "EUR"), Cancellation);

        var executed = Assert.Single(refunds, refund => !refund.Replayed);
        Assert.All(refunds.Append(refundOfTheRefund), refund => Assert.Equal(executed.RefundId, refund.RefundId));
        Assert.True(refundOfTheRefund.Replayed);
        var ledger = await replica.LedgerAsync("order-1", Cancellation);
        Assert.Equal((executed.RefundId, charge.ChargeId), (Assert.Single(ledger.Refunds).RefundId, ledger.Refunds[0].ChargeId));
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            replica.RefundAsync(new RefundRequest("order-2", "ch_unknown", 10m, "EUR"), Cancellation));
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            replica.RefundAsync(new RefundRequest("order-1", "ch_another", 10m, "EUR"), Cancellation));
    }

    private static async Task<List<bool>> OutcomesAsync(SimulatedPaymentProvider provider, IEnumerable<string> keys)
    {
        var outcomes = new List<bool>();
        foreach (var key in keys)
        {
            outcomes.Add((await provider.ChargeAsync(Charge(key), TestContext.Current.CancellationToken)).DeclineReason is not null);
        }

        return outcomes;
    }

    private sealed class StaticOptions(SimulatedProviderOptions value) : IOptionsMonitor<SimulatedProviderOptions>
    {
        public SimulatedProviderOptions CurrentValue => value;

        public SimulatedProviderOptions Get(string? name) => value;

        public IDisposable? OnChange(Action<SimulatedProviderOptions, string?> listener) => null;
    }
}
