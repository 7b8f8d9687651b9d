using Dapr.Actors.Runtime;
using FlashSale.Contracts;
using FlashSale.Messaging;

namespace FlashSale.Inventory.Tests.Actors;

/// <summary>Keeps registered reminders as Dapr would, so a test can check and fire them.</summary>
internal sealed class RecordingReminders : ActorTimerManager
{
    public Dictionary<string, ActorReminder> Registered { get; } = [];

    public override Task RegisterReminderAsync(ActorReminder reminder)
    {
        Registered[reminder.Name] = reminder;
        return Task.CompletedTask;
    }

    public override Task<IActorReminder> GetReminderAsync(ActorReminderToken reminder) =>
        Task.FromResult<IActorReminder>(Registered.GetValueOrDefault(reminder.Name)!);

    public override Task UnregisterReminderAsync(ActorReminderToken reminder)
    {
        Registered.Remove(reminder.Name);
        return Task.CompletedTask;
    }

    public override Task RegisterTimerAsync(ActorTimer timer) => throw new NotSupportedException("the stock actor uses reminders");

    public override Task UnregisterTimerAsync(ActorTimerToken timer) => throw new NotSupportedException("the stock actor uses reminders");
}

/// <summary>Records published events together with what the actor had saved at that moment.</summary>
internal sealed class RecordingPublisher(InMemoryActorStateManager state) : IEventPublisher
{
    public List<(IIntegrationEvent Event, int SavesBefore)> Published { get; } = [];

    public bool Fail { get; set; }

    public IEnumerable<T> Of<T>() => Published.Select(entry => entry.Event).OfType<T>();

    public Task PublishAsync<TEvent>(TEvent integrationEvent, CancellationToken cancellationToken) where TEvent : IIntegrationEvent
    {
        if (Fail)
        {
            throw new HttpRequestException("pub/sub is down");
        }

        Published.Add((integrationEvent, state.Saves));
        return Task.CompletedTask;
    }
}
