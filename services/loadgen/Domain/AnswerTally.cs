using System.Collections.Concurrent;

namespace FlashSale.LoadGen.Domain;

/// <summary>Counts of answers by a label ("201", "409 Sold out"), added to by many buyers at once.</summary>
public sealed class AnswerTally
{
    private readonly ConcurrentDictionary<string, long> _counts = new(StringComparer.Ordinal);

    public void Add(string label) => _counts.AddOrUpdate(label, 1, (_, count) => count + 1);

    public long Total => _counts.Values.Sum();

    /// <summary>The counts so far, ordered by label.</summary>
    public IReadOnlyDictionary<string, long> Snapshot() =>
        new SortedDictionary<string, long>(_counts.ToDictionary(), StringComparer.Ordinal);
}
