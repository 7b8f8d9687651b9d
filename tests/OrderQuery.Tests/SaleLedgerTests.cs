using FlashSale.Contracts.Orders;
using FlashSale.OrderQuery.Domain;

namespace FlashSale.OrderQuery.Tests;

public class SaleLedgerTests
{
    private static OrderView View(OrderStory story, params Func<OrderStory, Func<OrderView?, OrderView?>>[] events) =>
        events.Aggregate((OrderView?)null, (view, apply) => apply(story)(view) ?? view)!;

    private static Func<OrderView?, OrderView?> Placed(OrderStory s) => view => OrderProjection.Apply(view, s.Placed);

    private static Func<OrderView?, OrderView?> Confirmed(OrderStory s) => view => OrderProjection.Apply(view, s.Confirmed);

    private static Func<OrderView?, OrderView?> Cancelled(OrderStory s) => view => OrderProjection.Apply(view, s.Cancelled);

    /// <summary>What the projector does after each stored change: record the view's contributions in the ledger.</summary>
    private static Dictionary<(string Sku, int Shard), SaleLedgerShard> Record(
        Dictionary<(string Sku, int Shard), SaleLedgerShard> ledger, OrderView view)
    {
        foreach (var contribution in SaleContribution.Of(view))
        {
            var slot = (contribution.Sku, SaleLedger.ShardOf(view.OrderId));
            if (SaleLedger.Record(ledger.GetValueOrDefault(slot), view.OrderId, view.Revision, contribution) is { } recorded)
            {
                ledger[slot] = recorded;
            }
        }

        return ledger;
    }

    private static SaleTotals Totals(IEnumerable<SaleLedgerShard> shards) => SaleLedger.Totals(shards.Select(shard => shard.Orders));

    [Fact]
    public void A_confirmed_order_contributes_its_units_and_revenue_per_sku()
    {
        var story = OrderStory.New(lines: [new OrderLine("SKU-A", 2, 10m), new OrderLine("SKU-B", 1, 5m), new OrderLine("SKU-A", 1, 10m)]);

        var contributions = SaleContribution.Of(View(story, Placed, Confirmed));

        Assert.Equal(
            [new SkuContribution("SKU-A", 3, 30m, "EUR", 1, 0, 0), new SkuContribution("SKU-B", 1, 5m, "EUR", 1, 0, 0)],
            contributions);
    }

    [Fact]
    public void Orders_awaiting_payment_or_without_known_lines_contribute_nothing()
    {
        var story = OrderStory.New();

        Assert.All(SaleContribution.Of(View(story, Placed)), c => Assert.True(c.IsNothing));
        Assert.Empty(SaleContribution.Of(View(story, Confirmed)));
    }

    [Fact]
    public void Recording_the_same_or_an_older_revision_again_changes_nothing()
    {
        var story = OrderStory.New();
        var placed = View(story, Placed);
        var confirmed = View(story, Placed, Confirmed);
        var shard = SaleLedger.Record(null, story.OrderId, confirmed.Revision, SaleContribution.Of(confirmed).Single())!;

        Assert.Null(SaleLedger.Record(shard, story.OrderId, confirmed.Revision, SaleContribution.Of(confirmed).Single()));
        Assert.Null(SaleLedger.Record(shard, story.OrderId, placed.Revision, SaleContribution.Of(placed).Single()));
        var totals = Totals([shard]);
        Assert.Equal((2, 1, 39.98m), (totals.UnitsSold, totals.ConfirmedOrders, totals.Revenue["EUR"]));
    }

    [Fact]
    public void An_order_counts_once_however_many_of_its_events_are_redelivered()
    {
        var stories = Enumerable.Range(0, 20).Select(_ => OrderStory.New()).ToList();
        var ledger = new Dictionary<(string Sku, int Shard), SaleLedgerShard>();

        foreach (var story in stories)
        {
            // Each stored state is recorded, some twice (a redelivery syncs again), and an older state arrives late.
            var placed = View(story, Placed);
            var confirmed = View(story, Placed, Confirmed);
            Record(Record(Record(Record(ledger, placed), confirmed), confirmed), placed);
        }

        var totals = Totals(ledger.Values);
        Assert.Equal((40, 20, 0), (totals.UnitsSold, totals.ConfirmedOrders, totals.CancelledOrders));
        Assert.Equal(20 * 39.98m, totals.Revenue["EUR"]);
    }

    [Fact]
    public void A_confirmed_order_that_is_later_cancelled_moves_from_sold_to_cancelled()
    {
        var story = OrderStory.New();
        var confirmed = View(story, Placed, Confirmed);
        var cancelledLater = OrderProjection.Apply(confirmed, story.Cancelled with { Version = 3 })!;

        var totals = Totals(Record(Record([], confirmed), cancelledLater).Values);

        Assert.Equal((0, 0, 1), (totals.UnitsSold, totals.ConfirmedOrders, totals.CancelledOrders));
        Assert.Empty(totals.Revenue);
    }

    [Fact]
    public void A_cancelled_order_counts_as_cancelled_for_every_sku_it_contained()
    {
        var story = OrderStory.New(lines: [new OrderLine("SKU-A", 1, 10m), new OrderLine("SKU-B", 1, 5m)]);

        var ledger = Record([], View(story, Cancelled, Placed));

        Assert.All(ledger.Values, shard => Assert.Equal(1, Totals([shard]).CancelledOrders));
        Assert.Equal(["SKU-A", "SKU-B"], ledger.Keys.Select(k => k.Sku).Order());
    }

    [Fact]
    public void Revenue_is_summed_per_currency_never_across_currencies()
    {
        var euros = OrderStory.New(lines: [new OrderLine("SKU-A", 1, 10m)]);
        var dollars = OrderStory.New(lines: [new OrderLine("SKU-A", 1, 12m)]) with { Currency = "USD" };

        var totals = Totals(Record(Record([], View(euros, Placed, Confirmed)), View(dollars, Placed, Confirmed)).Values);

        Assert.Equal(new Dictionary<string, decimal> { ["EUR"] = 10m, ["USD"] = 12m }, totals.Revenue);
    }

    [Fact]
    public void An_order_always_lands_in_the_same_shard()
    {
        var shards = Enumerable.Range(0, 1000).Select(i => SaleLedger.ShardOf($"order-{i}")).ToList();

        Assert.All(shards, shard => Assert.InRange(shard, 0, SaleLedger.ShardCount - 1));
        Assert.Equal(SaleLedger.ShardCount, shards.Distinct().Count());
        Assert.Equal(SaleLedger.ShardOf("order-42"), SaleLedger.ShardOf("order-42"));
    }

    [Fact]
    public void A_full_shard_moves_its_entries_to_an_archive_and_every_order_still_counts_once()
    {
        var stories = Enumerable.Range(0, 2000).Select(_ => OrderStory.New()).ToList();
        var shards = new Dictionary<int, SaleLedgerShard>();
        var archives = new Dictionary<string, SaleLedgerArchive>();
        var largestWrite = 0;

        // What the projector does: record, and move a shard's entries out once it is due.
        void RecordView(OrderView view)
        {
            var contribution = SaleContribution.Of(view).Single();
            var slot = SaleLedger.ShardOf(view.OrderId);
            if (SaleLedger.Record(shards.GetValueOrDefault(slot), view.OrderId, view.Revision, contribution) is not { } recorded)
            {
                return;
            }

            largestWrite = Math.Max(largestWrite, recorded.Orders.Count);
            shards[slot] = recorded;
            if (SaleLedger.IsDueForArchiving(recorded))
            {
                archives[$"archive-{archives.Count}"] = new SaleLedgerArchive(recorded.Sku, recorded.Orders);
                // The first move lists its archive and then loses its race: the entries stay in the shard as well.
                shards[slot] = archives.Count == 1 ? recorded : SaleLedger.Archived(recorded);
            }
        }

        foreach (var story in stories)
        {
            RecordView(View(story, Placed));
            RecordView(View(story, Placed, Confirmed));
        }

        // Long after their entries were archived: a redelivery of the first 100, and the next 100 cancelled.
        stories.Take(100).ToList().ForEach(story => RecordView(View(story, Placed, Confirmed)));
        stories.Skip(100).Take(100).ToList().ForEach(story =>
            RecordView(OrderProjection.Apply(View(story, Placed, Confirmed), story.Cancelled with { Version = 3 })!));

        var totals = SaleLedger.Totals(shards.Values.Select(shard => shard.Orders).Concat(archives.Values.Select(archive => archive.Orders)));
        Assert.Equal((3800, 1900, 100), (totals.UnitsSold, totals.ConfirmedOrders, totals.CancelledOrders));
        Assert.Equal(SaleLedger.EntriesPerArchive + 1, largestWrite);
        Assert.True(archives.Count >= SaleLedger.ShardCount, $"only {archives.Count} archives");
    }
}
