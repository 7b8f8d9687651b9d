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

/// <summary>Records published events together with what the actor had saved at that moment (thread-safe: the feed publishes in the background).</summary>
internal sealed class RecordingPublisher(InMemoryActorStateManager state) : IEventPublisher
{
    private readonly List<(IIntegrationEvent Event, int SavesBefore)> _published = [];

    public IReadOnlyList<(IIntegrationEvent Event, int SavesBefore)> Published
    {
        get
        {
            lock (_published)
            {
                return [.. _published];
            }
        }
    }

    public bool Fail { get; set; }

    public IReadOnlyList<T> Of<T>() => Published.Select(entry => entry.Event).OfType<T>().ToList();

    public Task PublishAsync<TEvent>(TEvent integrationEvent, CancellationToken cancellationToken) where TEvent : IIntegrationEvent
    {
        if (Fail)
        {
            throw new HttpRequestException("pub/sub is down");
        }

        lock (_published)
        {
            _published.Add((integrationEvent, state.Saves));
        }

        return Task.CompletedTask;
    }

    public Task PublishAsync(SerializedEvent serialized, CancellationToken cancellationToken) =>
        throw new NotSupportedException("the stock actor publishes typed events");
}
