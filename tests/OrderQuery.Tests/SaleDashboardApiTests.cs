using System.Net;
using System.Net.Http.Json;
using FlashSale.Contracts;
using FlashSale.Contracts.Catalog;
using FlashSale.Contracts.Inventory;
using FlashSale.Contracts.Orders;
using FlashSale.OrderQuery.Api;
using FlashSale.OrderQuery.Domain;
using FlashSale.OrderQuery.Infrastructure;
using FlashSale.Messaging;
using FlashSale.TestSupport;
using FlashSale.ServiceDefaults;

namespace FlashSale.OrderQuery.Tests;

/// <summary>The admin's sale dashboard after catalog, inventory, order and payment events, duplicates and all.</summary>
public class SaleDashboardApiTests(OrderQueryFactory factory) : IClassFixture<OrderQueryFactory>
{
    private readonly CloudEventPoster _sidecar = factory.CreateSidecar();

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static string NewSku() => $"SKU-{Guid.NewGuid():N}";

    [Fact]
    public async Task The_dashboard_counts_each_order_once_whatever_is_redelivered_or_reordered()
    {
        var sku = NewSku();
        var sold = Enumerable.Range(0, 2).Select(_ => OrderStory.New(lines: new OrderLine(sku, 3, 10m))).ToList();
        var cancelled = OrderStory.New(lines: new OrderLine(sku, 1, 10m));
        var pending = OrderStory.New(lines: new OrderLine(sku, 5, 10m));

        await DeliverAsync(
            Events.ProductUpdated("Flash Tee", 1, sku),
            sold[0].Confirmed, sold[0].Placed, sold[0].Confirmed,              // out of order, then a duplicate
            sold[1].Placed, sold[1].Paid, sold[1].Confirmed, sold[1].Placed,  // in order, then a late duplicate
            cancelled.Placed, cancelled.Cancelled, cancelled.Cancelled,
            pending.Placed,
            Events.StockChanged(available: 4, sequence: 9, sku), Events.StockChanged(available: 20, sequence: 1, sku),
            Events.ProductUpdated("Old name", 0, sku));

        var figures = await GetFiguresAsync(sku);

        Assert.Equal(("Flash Tee", 6, 2, 1), (figures.ProductName, figures.UnitsSold, figures.ConfirmedOrders, figures.CancelledOrders));
        Assert.Equal(new Dictionary<string, decimal> { ["EUR"] = 60m }, figures.Revenue);
        Assert.Equal((4, false), (figures.RemainingStock, figures.SoldOut));
    }

    [Fact]
    public async Task A_sale_lost_between_the_order_view_and_the_ledger_is_counted_when_dapr_redelivers()
    {
        var sku = NewSku();
        var story = OrderStory.New(lines: new OrderLine(sku, 2, 10m));
        await DeliverAsync(Events.ProductUpdated("Flash Tee", 1, sku), story.Placed);

        // The order view is written, then every attempt at its ledger entry fails: as if the process died in between.
        factory.Dapr.Store(ViewStore.StoreName).InjectConflicts(ViewStore.MaxAttempts, keyPrefix: "ledger:");
        var interrupted = await _sidecar.DeliverAsync(story.Confirmed, cancellationToken: Cancellation);
        var order = await factory.CreateAdmin().GetFromJsonAsync<OrderDetails>($"/orders/{story.OrderId}", ApiJson.Options, Cancellation);
        var meanwhile = await GetFiguresAsync(sku);
        var redelivered = await _sidecar.DeliverAsync(story.Confirmed, cancellationToken: Cancellation);

        Assert.Equal((EventOutcome.Retry, EventOutcome.Success), (interrupted.Outcome, redelivered.Outcome));
        Assert.Equal(OrderStatus.Confirmed, order!.Status);
        Assert.Equal(0, meanwhile.UnitsSold);
        Assert.Equal((2, 20m), ((await GetFiguresAsync(sku)).UnitsSold, (await GetFiguresAsync(sku)).Revenue["EUR"]));
    }

    [Fact]
    public async Task Expired_reservations_and_a_sell_out_show_on_the_dashboard()
    {
        var sku = NewSku();
        var abandoned = OrderStory.New(lines: new OrderLine(sku, 2, 10m));

        await DeliverAsync(abandoned.Placed, abandoned.Expired(sku, 2), abandoned.Expired(sku, 2), new SoldOut(sku, 3, Events.Start));

        var figures = await GetFiguresAsync(sku);
        Assert.Equal((2, 0, true), (figures.ExpiredReservationUnits, figures.RemainingStock, figures.SoldOut));
    }

    [Fact]
    public async Task The_overview_lists_every_sku_with_its_sale()
    {
        var sku = NewSku();
        var sale = new SaleScheduled(sku, 9.99m, "EUR", Events.Start, Events.Start.AddHours(2), 2, Events.Start);

        await DeliverAsync(Events.ProductUpdated("Flash Hoodie", 1, sku), sale);
        var overview = await factory.CreateAdmin().GetFromJsonAsync<SalesDashboard>("/dashboard/sales", ApiJson.Options, Cancellation);

        var figures = Assert.Single(overview!.Skus, s => s.Sku == sku);
        Assert.Equal(("Flash Hoodie", 9.99m), (figures.ProductName, figures.Sale!.SalePrice));
        Assert.Equal(0, figures.UnitsSold);
    }

    [Fact]
    public async Task A_product_deleted_and_created_again_shows_no_old_sale_until_its_new_one()
    {
        var sku = NewSku();
        await DeliverAsync(
            Events.ProductUpdated("Flash Hoodie", 1, sku),
            new SaleScheduled(sku, 9.99m, "EUR", Events.Start, Events.Start.AddDays(7), 2, Events.Start),
            new ProductDeleted(sku, 3, Events.Start),
            Events.ProductUpdated("Flash Hoodie", 4, sku));

        var recreated = await GetFiguresAsync(sku);
        await DeliverAsync(new SaleScheduled(sku, 7.50m, "EUR", Events.Start.AddDays(1), Events.Start.AddDays(2), 5, Events.Start));
        var newSale = await GetFiguresAsync(sku);

        Assert.Equal((false, null, false), (recreated.ProductDeleted, recreated.Sale, recreated.SaleCancelled));
        Assert.Equal((7.50m, Events.Start.AddDays(1)), (newSale.Sale!.SalePrice, newSale.Sale.StartsAt));
    }

    [Fact]
    public async Task Concurrent_confirmations_for_one_hot_sku_are_all_counted_exactly_once()
    {
        var sku = NewSku();
        var orders = Enumerable.Range(0, 24).Select(_ => OrderStory.New(lines: new OrderLine(sku, 1, 5m))).ToList();
        await DeliverAsync([.. orders.Select(o => o.Placed)]);

        // Each confirmation twice, all at once: ledger shards see contention, and Dapr's retries settle it.
        var deliveries = await Task.WhenAll(orders.Concat(orders).Select(o => _sidecar.DeliverUntilSettledAsync(o.Confirmed,
            TimeSpan.FromSeconds(20), Cancellation)));

        Assert.All(deliveries, d => Assert.Equal(EventOutcome.Success, d.Outcome));
        var figures = await GetFiguresAsync(sku);
        Assert.Equal((24, 24, 120m), (figures.UnitsSold, figures.ConfirmedOrders, figures.Revenue["EUR"]));
    }

    [Fact]
    public async Task A_long_sale_keeps_each_ledger_write_bounded_and_its_figures_exact()
    {
        var sku = NewSku();
        // Orders that all hash to one shard, enough for it to move its entries out twice.
        var orders = Enumerable.Range(0, 10_000).Select(_ => OrderStory.New(lines: new OrderLine(sku, 1, 5m)))
            .Where(o => SaleLedger.ShardOf(o.OrderId) == 0).Take(2 * SaleLedger.EntriesPerArchive + 44).ToList();
        const int parallelDeliveries = 8;

        await Parallel.ForEachAsync(orders, new ParallelOptions { MaxDegreeOfParallelism = parallelDeliveries, CancellationToken = Cancellation },
            async (order, token) =>
            {
                Assert.Equal(EventOutcome.Success, (await _sidecar.DeliverUntilSettledAsync(order.Placed, TimeSpan.FromSeconds(20), token)).Outcome);
                Assert.Equal(EventOutcome.Success, (await _sidecar.DeliverUntilSettledAsync(order.Confirmed, TimeSpan.FromSeconds(20), token)).Outcome);
            });
        // After their entries were archived: the first ten confirmations redelivered, the next ten orders cancelled.
        await DeliverAsync([.. orders.Take(10).Select(o => o.Confirmed), .. orders.Skip(10).Take(10).Select(o => o.Cancelled with { Version = 3 })]);

        var figures = await GetFiguresAsync(sku);
        var shard = factory.Dapr.ReadState<SaleLedgerShard>(ViewStore.StoreName, ViewKeys.LedgerShard(sku, 0))!;
        var directory = factory.Dapr.ReadState<ArchiveDirectory>(ViewStore.StoreName, ViewKeys.ArchivesOf(ViewKeys.LedgerShard(sku, 0)))!;
        var archives = directory.Keys.Select(key => factory.Dapr.ReadState<SaleLedgerArchive>(ViewStore.StoreName, key)!).ToList();

        Assert.Equal((orders.Count - 10, orders.Count - 10, 10), (figures.UnitsSold, figures.ConfirmedOrders, figures.CancelledOrders));
        Assert.Equal(5m * (orders.Count - 10), figures.Revenue["EUR"]);
        Assert.True(archives.Count >= 2, $"{archives.Count} archives");
        Assert.All(archives.Select(a => a.Orders.Count).Append(shard.Orders.Count),
            entries => Assert.InRange(entries, 0, SaleLedger.EntriesPerArchive + parallelDeliveries));
    }

    [Fact]
    public async Task Archives_listed_in_a_shard_by_the_earlier_layout_still_count_and_stay_listed()
    {
        var sku = NewSku();
        var archived = Enumerable.Range(0, 3).Select(_ => OrderStory.New(lines: new OrderLine(sku, 2, 10m))).ToList();
        var confirmed = new SkuContribution(sku, UnitsSold: 2, Revenue: 20m, "EUR", ConfirmedOrders: 1, CancelledOrders: 0, ExpiredUnits: 0);
        // As ADR 0026's layout left it: shard 0 lists its archive itself, and no directory exists.
        factory.Dapr.WriteState(ViewStore.StoreName, "legacy-archive",
            new SaleLedgerArchive(sku, archived.ToDictionary(o => o.OrderId, _ => new LedgerEntry(2, confirmed))));
        factory.Dapr.WriteState(ViewStore.StoreName, ViewKeys.LedgerShard(sku, 0),
            new SaleLedgerShard(sku, 0, new Dictionary<string, LedgerEntry>()) { Archives = ["legacy-archive"] });
        var fresh = Enumerable.Range(0, 10_000).Select(_ => OrderStory.New(lines: new OrderLine(sku, 1, 5m)))
            .First(o => SaleLedger.ShardOf(o.OrderId) == 0);

        await DeliverAsync(fresh.Placed, fresh.Confirmed);

        var figures = await GetFiguresAsync(sku);
        var shard = factory.Dapr.ReadState<SaleLedgerShard>(ViewStore.StoreName, ViewKeys.LedgerShard(sku, 0))!;
        Assert.Equal((7, 4, 65m), (figures.UnitsSold, figures.ConfirmedOrders, figures.Revenue["EUR"]));
        Assert.Equal(["legacy-archive"], shard.Archives);
        Assert.Contains(fresh.OrderId, shard.Orders.Keys);
    }

    [Fact]
    public async Task Only_admins_see_the_dashboard()
    {
        var asCustomer = await factory.CreateClientAs("customer-1", "customer").GetAsync("/dashboard/sales", Cancellation);
        var unknownSku = await factory.CreateAdmin().GetAsync($"/dashboard/sales/{NewSku()}", Cancellation);

        Assert.Equal(HttpStatusCode.Forbidden, asCustomer.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownSku.StatusCode);
    }

    private async Task DeliverAsync(params IIntegrationEvent[] events)
    {
        foreach (var integrationEvent in events)
        {
            Assert.Equal(EventOutcome.Success, (await _sidecar.DeliverAsync(integrationEvent, cancellationToken: Cancellation)).Outcome);
        }
    }

    private async Task<SaleFigures> GetFiguresAsync(string sku) =>
        (await factory.CreateAdmin().GetFromJsonAsync<SaleFigures>($"/dashboard/sales/{sku}", ApiJson.Options, Cancellation))!;
}
