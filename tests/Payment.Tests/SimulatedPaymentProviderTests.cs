using FlashSale.Payment.Domain;
using FlashSale.Payment.Infrastructure;
using Microsoft.Extensions.Options;

namespace FlashSale.Payment.Tests;

public class SimulatedPaymentProviderTests
{
    private static SimulatedPaymentProvider Provider(double failureRate = 0, bool deterministic = false, params string[] declined) =>
        new(new StaticOptions(new SimulatedProviderOptions
        {
            Latency = TimeSpan.Zero,
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
        Assert.Equal(first, second);
        Assert.Single(provider.ChargesFor("order-1"));
        Assert.Equal([false, true], provider.Entries.Select(e => e.Replayed));
    }

    [Fact]
    public async Task Concurrent_calls_with_one_key_move_money_once()
    {
        var provider = Provider();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ =>
            provider.ChargeAsync(Charge("order-1"), TestContext.Current.CancellationToken)));

        Assert.Single(results.Distinct());
        Assert.Single(provider.ChargesFor("order-1"));
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
    public async Task A_refund_is_executed_once_per_key_and_needs_an_existing_charge()
    {
        var provider = Provider();
        var charge = await provider.ChargeAsync(Charge("order-1"), TestContext.Current.CancellationToken);

        var first = await provider.RefundAsync(new RefundRequest("order-1", charge.ChargeId!, 10m, "EUR"), TestContext.Current.CancellationToken);
        var again = await provider.RefundAsync(new RefundRequest("order-1", charge.ChargeId!, 10m, "EUR"), TestContext.Current.CancellationToken);

        Assert.Equal(first, again);
        Assert.Single(provider.RefundsFor("order-1"));
        await Assert.ThrowsAsync<InvalidOperationException>(() =>
            provider.RefundAsync(new RefundRequest("order-2", "ch_unknown", 10m, "EUR"), TestContext.Current.CancellationToken));
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
