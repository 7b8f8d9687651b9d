namespace FlashSale.Ordering.Infrastructure.Outbox;

/// <summary>An event saved with the state change that caused it, until the relay has published it.</summary>
internal sealed record OutboxEntry(string Topic, string Type, string PartitionKey, byte[] Data);

/// <summary>
/// One writer (one ordering process) and how far its entries go: every number below <paramref name="PublishedBelow"/>
/// is published and deleted; none at or above <paramref name="ReservedUpTo"/> was ever used. A writer whose
/// <paramref name="HeartbeatAt"/> is older than the lease is dead, and the range in between is all it can have left.
/// </summary>
internal sealed record OutboxWriterRecord(string WriterId, DateTimeOffset HeartbeatAt, long PublishedBelow, long ReservedUpTo, string? RecoveredBy);

/// <summary>The writers that may have entries left, so that recovery knows whom to look after.</summary>
internal sealed record OutboxWriterList(IReadOnlyList<string> WriterIds);
