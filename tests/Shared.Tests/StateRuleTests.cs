using Dapr;
using FlashSale.Sidecar;
using Grpc.Core;

namespace FlashSale.Shared.Tests;

/// <summary>The one rule every store applies to a failed conditional write: a lost race, or an unavailable store.</summary>
public sealed class StateRuleTests
{
    private static readonly Func<Task<bool>> Unreadable = () => throw Failure(StatusCode.Unavailable);

    [Fact]
    public async Task A_write_that_goes_through_won()
    {
        Assert.True(await StateWrites.TryAsync("store", () => Task.FromResult(true), Unreadable));
        Assert.True(await StateWrites.TryAsync("store", () => Task.CompletedTask, Unreadable));
    }

    [Fact]
    public async Task Aborted_is_a_lost_race_without_reading_anything()
    {
        Assert.False(await StateWrites.TryAsync("store", () => throw Failure(StatusCode.Aborted), Unreadable));
        Assert.False(await StateWrites.TryAsync("store", () => Task.FromResult(false), Unreadable));
    }

    [Fact]
    public async Task Any_other_failure_is_a_lost_race_when_the_key_changed_meanwhile()
    {
        Assert.False(await StateWrites.TryAsync("store", () => throw Failure(StatusCode.Internal), () => Task.FromResult(true)));
    }

    [Fact]
    public async Task Any_other_failure_with_the_key_unchanged_or_unreadable_means_the_store_is_unavailable()
    {
        var unchanged = await Assert.ThrowsAsync<StateStoreUnavailableException>(() =>
            StateWrites.TryAsync("orders-store", () => throw Failure(StatusCode.Internal), () => Task.FromResult(false)));
        var unreadable = await Assert.ThrowsAsync<StateStoreUnavailableException>(() =>
            StateWrites.TryAsync("orders-store", () => throw Failure(StatusCode.Internal), Unreadable));

        Assert.Equal("orders-store", unchanged.StoreName);
        Assert.IsType<DaprException>(unreadable.InnerException);
    }

    [Fact]
    public async Task A_failed_read_is_an_unavailable_store()
    {
        await Assert.ThrowsAsync<StateStoreUnavailableException>(() =>
            StateWrites.GuardAsync<int>("store", () => throw Failure(StatusCode.Unavailable)));
        Assert.Equal(7, await StateWrites.GuardAsync("store", () => Task.FromResult(7)));
    }

    private static DaprException Failure(StatusCode status) =>
        new("State operation failed", new RpcException(new Status(status, "from the sidecar")));
}
