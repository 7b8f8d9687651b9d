using FlashSale.OrderQuery.Infrastructure;

namespace FlashSale.OrderQuery.Tests;

/// <summary>What wakes an order's live stream: a write of its view by this replica, and nothing else.</summary>
public sealed class ViewChangesTests
{
    [Fact]
    public void A_watch_ends_when_its_view_is_written_and_not_when_another_one_is()
    {
        var changes = new ViewChanges();
        using var watch = changes.WatchNextWrite("order:a");

        changes.Written("order:b");
        Assert.False(watch.Written.IsCompleted);

        changes.Written("order:a");
        Assert.True(watch.Written.IsCompletedSuccessfully);
    }

    [Fact]
    public void Every_stream_of_a_view_wakes_and_a_watch_taken_after_a_write_waits_for_the_next_one()
    {
        var changes = new ViewChanges();
        using var first = changes.WatchNextWrite("order:a");
        using var second = changes.WatchNextWrite("order:a");
        changes.Written("order:a");
        Assert.True(first.Written.IsCompletedSuccessfully && second.Written.IsCompletedSuccessfully);

        using var next = changes.WatchNextWrite("order:a");
        Assert.False(next.Written.IsCompleted);
        changes.Written("order:a");
        Assert.True(next.Written.IsCompletedSuccessfully);
    }

    [Fact]
    public void A_stream_that_stopped_watching_leaves_the_others_watching()
    {
        var changes = new ViewChanges();
        var gone = changes.WatchNextWrite("order:a");
        using var staying = changes.WatchNextWrite("order:a");
        gone.Dispose();
        gone.Dispose();

        changes.Written("order:a");

        Assert.True(staying.Written.IsCompletedSuccessfully);
    }
}
