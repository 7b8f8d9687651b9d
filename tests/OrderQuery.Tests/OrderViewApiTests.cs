using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using FlashSale.Contracts;
using FlashSale.Contracts.Orders;
using FlashSale.OrderQuery.Api;
using FlashSale.OrderQuery.Domain;
using FlashSale.OrderQuery.Infrastructure;
using FlashSale.Messaging;
using FlashSale.TestSupport;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc;
using FlashSale.ServiceDefaults;

namespace FlashSale.OrderQuery.Tests;

/// <summary>Events delivered as the sidecar does, and the order views customers and admins then read over HTTP.</summary>
public class OrderViewApiTests(OrderQueryFactory factory) : IClassFixture<OrderQueryFactory>
{
    private readonly CloudEventPoster _sidecar = factory.CreateSidecar();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Each_projected_event_records_how_long_after_its_publication_the_view_changed()
    {
        using var metrics = new MetricRecorder(factory.Services, OrderQueryMetrics.MeterName);
        var story = OrderStory.New(customerId: $"customer-{Guid.NewGuid():N}");

        await DeliverAsync(story.Placed, story.Paid);

        var lags = metrics.Of("flashsale.projection.lag");
        Assert.Equal(2, lags.Count);
        Assert.Contains(lags, lag => lag.Has("cloudevents.event_type", CloudEventTypes.Of<OrderPlaced>().Type));
        Assert.All(lags, lag => Assert.True(lag.Value >= 0));
    }

    [Fact]
    public async Task A_customer_follows_their_order_from_placed_to_confirmed()
    {
        var story = OrderStory.New(customerId: $"customer-{Guid.NewGuid():N}");
        var customer = factory.CreateClientAs(story.CustomerId, "customer");

        await DeliverAsync(story.Placed);
        var placed = await customer.GetFromJsonAsync<OrderDetails>($"/orders/{story.OrderId}", ApiJson.Options, Cancellation);
        await DeliverAsync(story.Paid, story.Confirmed);
        var confirmed = await customer.GetFromJsonAsync<OrderDetails>($"/orders/{story.OrderId}", ApiJson.Options, Cancellation);

        Assert.Equal((OrderStatus.AwaitingPayment, PaymentStatus.Pending), (placed!.Status, placed.Payment.Status));
        Assert.Equal((OrderStatus.Confirmed, 2L, PaymentStatus.Succeeded), (confirmed!.Status, confirmed.Version, confirmed.Payment.Status));
        Assert.Equal([new OrderLineDetails(Events.Sku, 2, 19.99m, 39.98m)], confirmed.Lines);
        Assert.Equal((39.98m, "EUR", story.PlacedAt), (confirmed.Total, confirmed.Currency, confirmed.PlacedAt));
        Assert.Equal((OrderStory.PaymentId, story.Paid.OccurredAt), (confirmed.Payment.PaymentId, confirmed.Payment.PaidAt));
    }

    [Fact]
    public async Task A_confirmation_overtaking_its_placement_ends_confirmed_with_the_lines()
    {
        var story = OrderStory.New();

        await DeliverAsync(story.Confirmed);
        var beforePlacement = await GetAsAdminAsync(story.OrderId);
        await DeliverAsync(story.Placed, story.Paid);
        var afterPlacement = await GetAsAdminAsync(story.OrderId);

        Assert.Equal(OrderStatus.Confirmed, beforePlacement.Status);
        Assert.Null(beforePlacement.Lines);
        Assert.Equal(OrderStatus.Confirmed, afterPlacement.Status);
        Assert.Equal(2, Assert.Single(afterPlacement.Lines!).Quantity);
        Assert.Equal(story.Total, afterPlacement.Total);
    }

    [Fact]
    public async Task Duplicated_and_shuffled_events_give_the_same_view_as_the_clean_story()
    {
        var clean = OrderStory.New();
        var messy = clean with { OrderId = $"order-{Guid.NewGuid():N}" };

        await DeliverAsync(clean.Placed, clean.Paid, clean.Cancelled, clean.RefundRequested, clean.Refunded);
        await DeliverAsync(messy.Refunded, messy.RefundRequested, messy.Cancelled, messy.RefundRequested, messy.Placed,
            messy.Cancelled, messy.Paid, messy.Placed, messy.Refunded);

        var admin = factory.CreateAdmin();
        var expected = (await admin.GetFromJsonAsync<JsonObject>($"/orders/{clean.OrderId}", Cancellation))!;
        var actual = (await admin.GetFromJsonAsync<JsonObject>($"/orders/{messy.OrderId}", Cancellation))!;
        expected["orderId"] = messy.OrderId;
        Assert.True(JsonNode.DeepEquals(expected, actual), $"expected {expected}\nactual {actual}");
        Assert.Equal("Cancelled", (string?)actual["status"]);
        Assert.Equal("Refunded", (string?)actual["payment"]!["status"]);
    }

    [Fact]
    public async Task Another_customers_order_is_not_found_exactly_like_an_order_that_does_not_exist()
    {
        var story = OrderStory.New();
        await DeliverAsync(story.Placed);
        var stranger = factory.CreateClientAs("customer-stranger", "customer");

        var theirs = await stranger.GetAsync($"/orders/{story.OrderId}", Cancellation);
        var missing = await stranger.GetAsync("/orders/order-that-never-was", Cancellation);
        var anonymous = await factory.CreateClient().GetAsync($"/orders/{story.OrderId}", Cancellation);

        Assert.Equal((HttpStatusCode.NotFound, HttpStatusCode.NotFound), (theirs.StatusCode, missing.StatusCode));
        Assert.Equal("application/problem+json", theirs.Content.Headers.ContentType?.MediaType);
        Assert.Equal(
            (await missing.Content.ReadFromJsonAsync<ProblemDetails>(Cancellation))!.Title,
            (await theirs.Content.ReadFromJsonAsync<ProblemDetails>(Cancellation))!.Title);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    [Fact]
    public async Task An_order_known_only_from_its_payment_is_not_shown_until_the_order_arrives()
    {
        var story = OrderStory.New();

        await DeliverAsync(story.Paid);
        var early = await factory.CreateAdmin().GetAsync($"/orders/{story.OrderId}", Cancellation);
        await DeliverAsync(story.Placed);
        var later = await GetAsAdminAsync(story.OrderId);

        Assert.Equal(HttpStatusCode.NotFound, early.StatusCode);
        Assert.Equal((OrderStatus.AwaitingPayment, PaymentStatus.Succeeded), (later.Status, later.Payment.Status));
    }

    [Fact]
    public async Task A_customer_with_a_long_history_keeps_each_index_write_bounded_and_lists_every_order_once()
    {
        var customerId = $"customer-{Guid.NewGuid():N}";
        var stories = Enumerable.Range(0, 2 * CustomerOrders.EntriesPerArchive + 7)
            .Select(minute => OrderStory.New(customerId, Events.Start.AddMinutes(minute))).ToList();
        const int parallelDeliveries = 8;

        await Parallel.ForEachAsync(stories, new ParallelOptions { MaxDegreeOfParallelism = parallelDeliveries, CancellationToken = Cancellation },
            async (story, token) => Assert.Equal(EventOutcome.Success,
                (await _sidecar.DeliverUntilSettledAsync(story.Placed, TimeSpan.FromSeconds(20), token)).Outcome));
        // After their entries were archived: the oldest placements redelivered, and one order confirmed.
        await DeliverAsync([.. stories.Take(5).Select(story => story.Placed), stories[1].Confirmed]);
        var customer = factory.CreateClientAs(customerId, "customer");

        var pages = new List<OrderPage>();
        for (var page = 1; page <= 4; page++)
        {
            pages.Add((await customer.GetFromJsonAsync<OrderPage>($"/orders?page={page}&pageSize=20", ApiJson.Options, Cancellation))!);
        }

        var index = factory.Dapr.ReadState<CustomerOrders>(ViewStore.StoreName, ViewKeys.CustomerOrders(customerId))!;
        var directory = factory.Dapr.ReadState<ArchiveDirectory>(ViewStore.StoreName, ViewKeys.ArchivesOf(ViewKeys.CustomerOrders(customerId)))!;
        var archives = directory.Keys.Select(key => factory.Dapr.ReadState<CustomerOrdersArchive>(ViewStore.StoreName, key)!).ToList();
        Assert.True(archives.Count >= 2, $"{archives.Count} archives");
        Assert.All(archives.Select(archive => archive.Orders.Count).Append(index.Orders.Count),
            entries => Assert.InRange(entries, 0, CustomerOrders.EntriesPerArchive + parallelDeliveries));
        Assert.All(pages, page => Assert.Equal(stories.Count, page.TotalCount));
        Assert.Equal(stories.AsEnumerable().Reverse().Select(story => story.OrderId), pages.SelectMany(page => page.Items).Select(order => order.OrderId));
        Assert.Equal(OrderStatus.Confirmed, pages.SelectMany(page => page.Items).Single(order => order.OrderId == stories[1].OrderId).Status);
    }

    [Fact]
    public async Task A_customer_pages_through_their_own_orders_newest_first()
    {
        var customerId = $"customer-{Guid.NewGuid():N}";
        var stories = Enumerable.Range(0, 5).Select(day => OrderStory.New(customerId, Events.Start.AddDays(day))).ToList();
        foreach (var story in stories.AsEnumerable().Reverse())
        {
            await DeliverAsync(story.Placed);
        }

        await DeliverAsync(stories[0].Placed, stories[1].Confirmed); // neither a duplicate nor a later transition moves an order in the list
        await DeliverAsync(OrderStory.New("someone-else").Placed);
        var customer = factory.CreateClientAs(customerId, "customer");

        var first = await customer.GetFromJsonAsync<OrderPage>("/orders?page=1&pageSize=2", ApiJson.Options, Cancellation);
        var last = await customer.GetFromJsonAsync<OrderPage>("/orders?page=3&pageSize=2", ApiJson.Options, Cancellation);
        var byDefault = await customer.GetFromJsonAsync<OrderPage>("/orders", ApiJson.Options, Cancellation);

        Assert.Equal([stories[4].OrderId, stories[3].OrderId], first!.Items.Select(o => o.OrderId));
        Assert.Equal([stories[0].OrderId], last!.Items.Select(o => o.OrderId));
        Assert.Equal((5, 5), (first.TotalCount, byDefault!.Items.Count));
        Assert.Equal((1, 20), (byDefault.Page, byDefault.PageSize));
        Assert.Equal(OrderStatus.Confirmed, byDefault.Items.Single(o => o.OrderId == stories[1].OrderId).Status);
        Assert.Equal((2, 39.98m), (first.Items[0].ItemCount, first.Items[0].Total));
    }

    [Fact]
    public async Task An_admin_may_list_any_customers_orders_but_a_customer_only_their_own()
    {
        var story = OrderStory.New(customerId: $"customer-{Guid.NewGuid():N}");
        await DeliverAsync(story.Placed);

        var asAdmin = await factory.CreateAdmin().GetFromJsonAsync<OrderPage>($"/orders?customer={story.CustomerId}", ApiJson.Options, Cancellation);
        var asOwner = await factory.CreateClientAs(story.CustomerId, "customer")
            .GetFromJsonAsync<OrderPage>($"/orders?customer={story.CustomerId}", ApiJson.Options, Cancellation);
        var asStranger = await factory.CreateClientAs("customer-stranger", "customer")
            .GetAsync($"/orders?customer={story.CustomerId}", Cancellation);

        Assert.Equal([story.OrderId], asAdmin!.Items.Select(o => o.OrderId));
        Assert.Equal([story.OrderId], asOwner!.Items.Select(o => o.OrderId));
        Assert.Equal(HttpStatusCode.Forbidden, asStranger.StatusCode);
        Assert.Equal("application/problem+json", asStranger.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Paging_outside_the_allowed_range_is_a_validation_problem_naming_each_field()
    {
        var response = await factory.CreateClientAs("customer-1", "customer").GetAsync("/orders?page=0&pageSize=500", Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>(ApiJson.Options, Cancellation);
        Assert.Equal(["page", "pageSize"], problem!.Errors.Keys.Order());
    }

    [Theory]
    [InlineData("?page=2147483647")]
    [InlineData("?page=107374184&pageSize=20")]
    [InlineData("?page=21474838&pageSize=100")]
    public async Task A_page_beyond_what_can_be_counted_is_a_validation_problem_not_the_first_page(string query)
    {
        var story = OrderStory.New(customerId: $"customer-{Guid.NewGuid():N}");
        await DeliverAsync(story.Placed);
        var customer = factory.CreateClientAs(story.CustomerId, "customer");

        var response = await customer.GetAsync($"/orders{query}", Cancellation);
        var lastPage = await customer.GetFromJsonAsync<OrderPage>("/orders?page=107374183&pageSize=20", ApiJson.Options, Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<HttpValidationProblemDetails>(ApiJson.Options, Cancellation);
        Assert.Equal(["page"], problem!.Errors.Keys);
        Assert.Empty(lastPage!.Items);
    }

    [Fact]
    public async Task The_openapi_document_describes_the_read_api()
    {
        var document = await factory.CreateClient().GetFromJsonAsync<JsonObject>("/openapi/v1.json", Cancellation);

        Assert.Equal(["/dashboard/sales", "/dashboard/sales/{sku}", "/orders", "/orders/{orderId}", "/stream/orders/{orderId}", "/stream/sales", "/stream/stock"],
            document!["paths"]!.AsObject().Select(path => path.Key).Order());
    }

    private async Task DeliverAsync(params IIntegrationEvent[] events)
    {
        foreach (var integrationEvent in events)
        {
            var delivery = await _sidecar.DeliverAsync(integrationEvent, cancellationToken: Cancellation);
            Assert.Equal(EventOutcome.Success, delivery.Outcome);
        }
    }

    private async Task<OrderDetails> GetAsAdminAsync(string orderId) =>
        (await factory.CreateAdmin().GetFromJsonAsync<OrderDetails>($"/orders/{orderId}", ApiJson.Options, Cancellation))!;
}
