using System.Text.Json;
using FlashSale.Inventory.Application;
using FlashSale.Ordering.Application;
using FlashSale.TestSupport.Actors;
using YamlDotNet.RepresentationModel;

namespace FlashSale.Architecture.Tests;

/// <summary>
/// Time limits that span services and the sidecar, computed from components/resiliency.yaml (the chart renders the
/// same policies; Deployment.Tests keeps them equal), the components and the services' own settings. Each relation is
/// what keeps a retry, a lease or a takeover from acting on something another party still works on.
/// </summary>
public sealed class CrossServiceTimingTests
{
    /// <summary>
    /// Dapr's exponential backoff (cenkalti/backoff, as daprd configures it) randomizes each interval by up to ±50% around
    /// a value capped at <c>maxInterval</c>, so no wait between attempts exceeds 1.5 × maxInterval.
    /// </summary>
    private const double BackoffRandomization = 0.5;

    /// <summary>The PostgreSQL state store's operation timeout when its component sets no <c>timeout</c> (components-contrib).</summary>
    private static readonly TimeSpan PostgresDefaultTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public void Ordering_waits_for_a_stock_actor_call_longer_than_the_sidecar_retries_it()
    {
        Assert.True(PlacementTimeouts.StockActorCallTimeout > StockActorRetryBudget,
            $"ordering gives up on a StockActor call after {PlacementTimeouts.StockActorCallTimeout}, but the sidecar may still retry it " +
            $"until {StockActorRetryBudget}: ordering would release a reservation that lands afterwards");
    }

    [Fact]
    public void Inventory_remembers_a_refusal_for_longer_than_the_sidecar_retries_the_reserve()
    {
        var rejectionMemory = new InventoryOptions().RejectionMemory;
        Assert.True(rejectionMemory > StockActorRetryBudget,
            $"a refusal is forgotten after {rejectionMemory}, before the sidecar's last retry at {StockActorRetryBudget}");
    }

    [Fact]
    public void A_takeover_keeps_the_order_id_only_while_the_reservations_it_reuses_still_hold()
    {
        var reservationTimeout = ConfiguredReservationTimeout();
        Assert.True(PlacementTimeouts.OrderIdReuseLimit < reservationTimeout - PlacementTimeouts.Budget,
            $"OrderIdReuseLimit {PlacementTimeouts.OrderIdReuseLimit} must stay below inventory's reservation timeout {reservationTimeout} " +
            $"minus the placement budget {PlacementTimeouts.Budget}, or a takeover relies on reservations that expired");
    }

    [Fact]
    public void A_claim_is_taken_over_only_after_the_last_effect_of_its_request_can_have_landed()
    {
        var storeTimeout = OrdersStoreTimeout();
        Assert.Equal(PlacementTimeouts.StateStoreOperationTimeout, storeTimeout);
        var lastEffect = PlacementTimeouts.Budget + Max(PlacementTimeouts.StockActorCallTimeout, storeTimeout);
        Assert.True(PlacementTimeouts.ClaimLease > lastEffect,
            $"the claim lease {PlacementTimeouts.ClaimLease} ends before the claiming request's last effect at {lastEffect}");
    }

    [Fact]
    public void The_retry_budget_grows_with_the_policy()
    {
        // The computation the checks rely on, against a hand-worked policy: 2 retries of 1 s calls, at most 2 s between.
        Assert.Equal(TimeSpan.FromSeconds(3 * 1 + 2 * 3), RetryBudget(TimeSpan.FromSeconds(1), maxRetries: 2, TimeSpan.FromSeconds(2)));
    }

    /// <summary>The longest the sidecar keeps a StockActor call alive: every attempt times out, with the longest waits between.</summary>
    private static TimeSpan StockActorRetryBudget
    {
        get
        {
            var policies = Resiliency()["spec"]["policies"];
            var target = Resiliency()["spec"]["targets"]["actors"]["StockActor"];
            var timeout = DaprDuration.Duration(Scalar(policies["timeouts"][Scalar(target["timeout"])]));
            var retry = policies["retries"][Scalar(target["retry"])];
            return RetryBudget(timeout, int.Parse(Scalar(retry["maxRetries"])), DaprDuration.Duration(Scalar(retry["maxInterval"])));
        }
    }

    private static TimeSpan RetryBudget(TimeSpan timeout, int maxRetries, TimeSpan maxInterval) =>
        (timeout * (maxRetries + 1)) + (maxInterval * (1 + BackoffRandomization) * maxRetries);

    private static TimeSpan ConfiguredReservationTimeout()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Repository.PathOf("services", "inventory", "appsettings.json")));
        return settings.RootElement.TryGetProperty(InventoryOptions.Section, out var section)
               && section.TryGetProperty(nameof(InventoryOptions.ReservationTimeout), out var configured)
            ? TimeSpan.Parse(configured.GetString()!, System.Globalization.CultureInfo.InvariantCulture)
            : new InventoryOptions().ReservationTimeout;
    }

    private static TimeSpan OrdersStoreTimeout()
    {
        var metadata = (YamlSequenceNode)Yaml("components", "orders-store.yaml")["spec"]["metadata"];
        var timeout = metadata.Children.OfType<YamlMappingNode>().SingleOrDefault(entry => Scalar(entry["name"]) == "timeout");
        return timeout is null ? PostgresDefaultTimeout : DaprDuration.Duration(Scalar(timeout["value"]));
    }

    private static YamlNode Resiliency() => Yaml("components", "resiliency.yaml");

    private static YamlNode Yaml(params string[] path)
    {
        var stream = new YamlStream();
        using var reader = new StreamReader(Repository.PathOf(path));
        stream.Load(reader);
        return stream.Documents[0].RootNode;
    }

    private static string Scalar(YamlNode node) => ((YamlScalarNode)node).Value!;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;
}
