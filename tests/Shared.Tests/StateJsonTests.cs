using System.Text.Json;
using FlashSale.Sidecar;

namespace FlashSale.Shared.Tests;

/// <summary>The state stores' JSON: domain types keep their invariants and carry no serialization attributes.</summary>
public sealed class StateJsonTests
{
    [Fact]
    public void An_aggregate_with_private_setters_and_constructor_round_trips()
    {
        var counter = Counter.Start("c-1").Increment().Increment();

        var stored = JsonSerializer.Serialize(counter, StateJson.Options);
        var read = JsonSerializer.Deserialize<Counter>(stored, StateJson.Options)!;

        Assert.Equal(("c-1", 2, Phase.Counting), (read.Id, read.Count, read.Phase));
    }

    [Fact]
    public void Enums_are_stored_by_name_and_computed_values_are_not_stored()
    {
        var stored = JsonDocument.Parse(JsonSerializer.Serialize(Counter.Start("c-2"), StateJson.Options)).RootElement;

        Assert.Equal("Idle", stored.GetProperty("phase").GetString());
        Assert.False(stored.TryGetProperty("isIdle", out _));
        Assert.Equal(["id", "count", "phase"], stored.EnumerateObject().Select(property => property.Name));
    }

    public enum Phase
    {
        Idle,
        Counting,
    }

    /// <summary>Shaped like ordering's Order: only its own methods make or change it.</summary>
    public sealed record Counter
    {
        private Counter()
        {
        }

        public string Id { get; private init; } = "";

        public int Count { get; private init; }

        public Phase Phase { get; private init; }

        public bool IsIdle => Phase == Phase.Idle;

        public static Counter Start(string id) => new() { Id = id };

        public Counter Increment() => this with { Count = Count + 1, Phase = Phase.Counting };
    }
}
