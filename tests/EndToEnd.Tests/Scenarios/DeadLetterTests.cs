using System.Text;
using FlashSale.Contracts;
using FlashSale.Contracts.Orders;
using FlashSale.EndToEnd.Tests.Fixture;
using FlashSale.TestSupport.Sidecar;

namespace FlashSale.EndToEnd.Tests.Scenarios;

public sealed class DeadLetterTests(SystemFixture system)
{
    /// <summary>The apps subscribed to <c>orders</c>: each one dead-letters a poison message on its own.</summary>
    private static readonly string[] OrdersSubscribers = ["order-query", "payment"];

    [Fact]
    public async Task Poison_messages_on_orders_land_on_the_dead_letter_topic_and_the_next_order_still_completes()
    {
        var marker = Guid.NewGuid().ToString("N");
        var cancellation = TestContext.Current.CancellationToken;

        // A foreign producer writes bytes that are not even a CloudEvent.
        var notJson = system.Sidecar.PubSub.ProduceRaw(Topics.Orders, Encoding.UTF8.GetBytes($"not json {marker}"));
        // A buggy publisher sends an order event whose payload is text, not the contract's JSON.
        await system.Sidecar.PublishBytesAsync("ordering", Topics.Orders, Encoding.UTF8.GetBytes($"order {marker}, please"), "text/plain",
            new() { ["cloudevent.type"] = CloudEventTypes.Of<OrderPlaced>().Type }, cancellation);
        // A newer publisher sends a type nobody here knows.
        await system.Sidecar.PublishBytesAsync("ordering", Topics.Orders, Encoding.UTF8.GetBytes($$"""{"orderId":"{{marker}}"}"""), "application/json",
            new() { ["cloudevent.type"] = "flashsale.order.teleported.v1" }, cancellation);

        var sku = Sku.New("POISON");
        await (await system.Client.SignInAsAdminAsync()).CreateSaleAsync(sku, price: 30m, salePrice: 15m, stock: 2);
        var customer = await system.Client.SignInAsync(system.Customers.Next());
        var order = await customer.PlaceOrderAsync(sku, quantity: 1);

        await system.WriteModelOrderOnceAsync(order.Id, "Confirmed");
        await customer.OrderOnceAsync(order.Id, "Confirmed");
        var poison = system.Sidecar.PubSub.Messages(Topics.Orders).Where(message => Carries(message.Body, marker)).ToList();
        var deadLetters = await Eventually.MatchesAsync(
            () => system.Sidecar.PubSub.DeadLetters.Where(letter => Carries(letter.Body, marker)).ToList(),
            letters => letters.Count == poison.Count * OrdersSubscribers.Length, "every subscriber to dead-letter every poison message", cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(3, poison.Count);
        Assert.All(poison, message => Assert.Equal(
            OrdersSubscribers.Select(app => (app, PubSub.DeadLetterTopic(Topics.Orders), message.Offset == notJson.Offset ? AppAnswer.NotACloudEvent : AppAnswer.Drop)),
            deadLetters.Where(letter => letter.Offset == message.Offset).Select(letter => (letter.AppId, letter.DeadLetterTopic!, letter.LastAnswer)).Order()));
        Assert.Equal(
            poison.SelectMany(message => OrdersSubscribers.Select(_ => Encoding.UTF8.GetString(message.Body))).Order(),
            system.Sidecar.PubSub.Messages(PubSub.DeadLetterTopic(Topics.Orders))
                .Where(message => Carries(message.Body, marker)).Select(message => Encoding.UTF8.GetString(message.Body)).Order());
        Assert.Empty(system.DeadLettersAbout(order.Id));
    }

    private static bool Carries(byte[] body, string marker) => Encoding.UTF8.GetString(body).Contains(marker, StringComparison.Ordinal);
}
