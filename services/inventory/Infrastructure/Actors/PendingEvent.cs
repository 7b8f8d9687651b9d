using FlashSale.Contracts.Inventory;
using FlashSale.Messaging;

namespace FlashSale.Inventory.Infrastructure.Actors;

/// <summary>
/// An event kept in actor state until it is published (a small outbox): exactly one member is set. Saving it with the
/// change that caused it means a failed publish is retried instead of lost. <c>StockChanged</c> is not kept here: it
/// carries absolute figures, so the next one repairs a lost one (<see cref="StockChangeFeed"/>).
/// </summary>
internal sealed record PendingEvent(SoldOut? SoldOut = null, ReservationExpired? ReservationExpired = null)
{
    public Task PublishAsync(IEventPublisher publisher, CancellationToken cancellationToken) => this switch
    {
        { SoldOut: { } soldOut } => publisher.PublishAsync(soldOut, cancellationToken),
        { ReservationExpired: { } expired } => publisher.PublishAsync(expired, cancellationToken),
        _ => throw new InvalidOperationException("an outbox entry holds no event"),
    };
}
