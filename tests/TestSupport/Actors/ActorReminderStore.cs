using System.Text.Json;
using System.Text.Json.Nodes;

namespace FlashSale.TestSupport.Actors;

/// <summary>
/// Reminders as Dapr keeps them: persisted outside the app (so they survive deactivation and restarts), due by the
/// sidecar's clock, fired until their period, repetitions or TTL run out. A one-shot reminder is deleted once it has
/// fired successfully; a failed firing leaves it due, so the next firing round retries it.
/// </summary>
public sealed class ActorReminderStore(TimeProvider clock)
{
    private readonly Dictionary<(ActorKey Actor, string Name), ScheduledReminder> _reminders = [];
    private readonly Lock _lock = new();

    public IReadOnlyList<ScheduledReminder> All
    {
        get
        {
            lock (_lock)
            {
                return _reminders.Values.OrderBy(reminder => reminder.DueAt).ToList();
            }
        }
    }

    /// <summary>Creates or replaces a reminder from the body of <c>PUT .../reminders/&lt;name&gt;</c>.</summary>
    public ScheduledReminder Register(ActorKey actor, string name, JsonElement body)
    {
        var reminder = ScheduledReminder.Parse(actor, name, body, clock.GetUtcNow());
        lock (_lock)
        {
            _reminders[(actor, name)] = reminder;
        }

        return reminder;
    }

    public ScheduledReminder? Find(ActorKey actor, string name)
    {
        lock (_lock)
        {
            return _reminders.GetValueOrDefault((actor, name));
        }
    }

    public bool Delete(ActorKey actor, string name)
    {
        lock (_lock)
        {
            return _reminders.Remove((actor, name));
        }
    }

    /// <summary>The reminders due now, earliest first; those past their TTL are dropped instead.</summary>
    public IReadOnlyList<ScheduledReminder> Due()
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            foreach (var expired in _reminders.Where(entry => entry.Value.ExpiresAt <= now).Select(entry => entry.Key).ToList())
            {
                _reminders.Remove(expired);
            }

            return _reminders.Values.Where(reminder => reminder.DueAt <= now).OrderBy(reminder => reminder.DueAt).ToList();
        }
    }

    /// <summary>
    /// Records a successful firing: schedules the next one or deletes the reminder. A reminder that the actor deleted
    /// or registered anew while it was firing is left as the actor made it.
    /// </summary>
    public void Fired(ScheduledReminder reminder)
    {
        lock (_lock)
        {
            var key = (reminder.Actor, reminder.Name);
            if (!_reminders.TryGetValue(key, out var current) || !ReferenceEquals(current, reminder))
            {
                return;
            }

            if (reminder.Next() is { } next)
            {
                _reminders[key] = next;
            }
            else
            {
                _reminders.Remove(key);
            }
        }
    }
}

/// <summary>
/// A registered reminder. <see cref="DueTime"/>, <see cref="Period"/> and <see cref="Data"/> are kept as the app sent
/// them, because Dapr hands them back verbatim when it fires the reminder and the SDK parses its own formats.
/// </summary>
public sealed record ScheduledReminder(
    ActorKey Actor, string Name, DateTimeOffset DueAt, TimeSpan? Interval, int? FiringsLeft, DateTimeOffset? ExpiresAt,
    string DueTime, string Period, JsonNode? Data)
{
    internal static ScheduledReminder Parse(ActorKey actor, string name, JsonElement body, DateTimeOffset now)
    {
        if (body.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException("the reminder must be a JSON object");
        }

        var dueTime = Text(body, "dueTime");
        var period = Text(body, "period");
        var ttl = Text(body, "ttl");
        var (interval, firings) = DaprDuration.Period(period);
        var data = body.TryGetProperty("data", out var value) ? JsonNode.Parse(value.GetRawText()) : null;
        return new ScheduledReminder(
            actor, name, DaprDuration.DueAt(dueTime, now), interval, firings,
            string.IsNullOrEmpty(ttl) ? null : now + DaprDuration.Duration(ttl), dueTime, period, data);
    }

    /// <summary>The body Dapr sends to <c>PUT /actors/&lt;type&gt;/&lt;id&gt;/method/remind/&lt;name&gt;</c> (and answers a GET with).</summary>
    public string ToJson() => new JsonObject
    {
        ["dueTime"] = DueTime,
        ["period"] = Period,
        ["data"] = Data?.DeepClone(),
    }.ToJsonString();

    internal ScheduledReminder? Next()
    {
        if (Interval is not { } interval || FiringsLeft == 1)
        {
            return null;
        }

        var next = this with { DueAt = DueAt + interval, FiringsLeft = FiringsLeft - 1 };
        return next.DueAt >= ExpiresAt ? null : next;
    }

    private static string Text(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;
}
