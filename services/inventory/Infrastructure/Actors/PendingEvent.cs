using FlashSale.Contracts.Inventory;
using FlashSale.Messaging;

namespace FlashSale.Inventory.Infrastructure.Actors;

/// <summary>
/// An event kept in actor state until it is published (a small outbox): exactly one member is set. Saving the event
/// with the change that caused it means a failed publish is retried instead of lost.
/// </summary>
internal sealed record PendingEvent(StockChanged? StockChanged = null, SoldOut? SoldOut = null, ReservationExpired? ReservationExpired = null)
{
    public Task PublishAsync(IEventPublisher publisher, CancellationToken cancellationToken) => this switch
    {
        { StockChanged: { } stockChanged } => publisher.PublishAsync(stockChanged, cancellationToken),
        { SoldOut: { } soldOut } => publisher.PublishAsync(soldOut, cancellationToken),
        { ReservationExpired: { } expired } => publisher.PublishAsync(expired, cancellationToken),
        _ => throw new InvalidOperationException("an outbox entry holds no event"),
    };
}
