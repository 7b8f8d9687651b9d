using System.Text;
using FlashSale.TestSupport.Sidecar;

namespace FlashSale.EndToEnd.Tests.Sidecar;

internal static class SidecarTestKit
{
    public static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    /// <summary>Quick retries so a test that exhausts them stays fast.</summary>
    public static SidecarOptions FastRetries => new()
    {
        MaxDeliveryAttempts = 3,
        RetryBackoff = TimeSpan.FromMilliseconds(1),
        MaxRetryBackoff = TimeSpan.FromMilliseconds(5),
    };

    /// <summary>A stand-in over the repository's own components/ (scopes enforced).</summary>
    public static DaprSidecarStandIn ForRepository(SidecarOptions? options = null) =>
        DaprSidecarStandIn.ForRepositoryComponents(options ?? FastRetries);

    /// <summary>
    /// Gives <c>orders-store</c> daprd's transactional outbox onto <c>pubsub</c>/<c>orders</c>, as the component would
    /// have with <c>outboxPublishPubsub</c>/<c>outboxPublishTopic</c>. FlashSale itself relays through its own outbox
    /// (ADR 0019); these tests keep the stand-in's model of daprd's relay honest, since that model is the ADR's baseline.
    /// </summary>
    public static DaprSidecarStandIn WithDaprOutbox(this DaprSidecarStandIn sidecar)
    {
        sidecar.Dapr.ConfigureOutbox("orders-store", "pubsub", FlashSale.Contracts.Topics.Orders);
        return sidecar;
    }

    public static Task SettleAsync(this DaprSidecarStandIn sidecar) =>
        sidecar.WaitForQuiescenceAsync(Deadline, TestContext.Current.CancellationToken);

    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>Publishes a JSON payload with a CloudEvent type and partition key, as a service's publisher would.</summary>
    public static Task PublishAsync(this DaprSidecarStandIn sidecar, string publisherAppId, string topic, string type, string json, string? partitionKey = null)
    {
        var metadata = new Dictionary<string, string> { ["cloudevent.type"] = type };
        if (partitionKey is not null)
        {
            metadata["partitionKey"] = partitionKey;
        }

        return sidecar.PublishBytesAsync(publisherAppId, topic, Utf8(json), "application/json", metadata, TestContext.Current.CancellationToken);
    }
}
