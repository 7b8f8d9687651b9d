namespace FlashSale.OrderQuery.Domain;

/// <summary>
/// The keys of the archives one document (a ledger shard, a customer's index) moved its entries to. Only those moves
/// write it, once per archive, so the document that every event rewrites stays bounded (ADR 0030).
/// </summary>
public sealed record ArchiveDirectory(IReadOnlyList<string> Keys)
{
    /// <summary>The directory with <paramref name="archiveKey"/> listed; null when it already is.</summary>
    public static ArchiveDirectory? Listing(ArchiveDirectory? directory, string archiveKey) =>
        directory?.Keys.Contains(archiveKey, StringComparer.Ordinal) == true
            ? null
            : new ArchiveDirectory([.. directory?.Keys ?? [], archiveKey]);
}
