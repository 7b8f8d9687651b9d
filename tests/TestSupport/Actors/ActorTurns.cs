using System.Collections.Concurrent;
using FlashSale.TestSupport.Sidecar;

namespace FlashSale.TestSupport.Actors;

/// <summary>
/// Dapr's turn-based concurrency: one method call, reminder or deactivation at a time per actor id, in parallel across
/// ids. In Dapr the sidecar (with placement) guarantees this, not the SDK, so the stand-in must enforce it: without it
/// a test could pass only because the app happens to run on one process.
/// <para>
/// With a timing model, a turn also holds its actor for the platform's time: the call itself and every state and
/// reminder operation the app makes during it are charged to the turn, which ends that much later than the app's
/// answer. Turns of one actor follow each other on its <see cref="VirtualTimeline"/>, so one actor takes at most
/// 1 / (turn time) calls per second, however the machine's timers round.
/// </para>
/// </summary>
internal sealed class ActorTurns
{
    // Never shrinks: a test touches a handful of actors.
    private readonly ConcurrentDictionary<ActorKey, ActorLane> _lanes = new();

    public async Task<Turn> EnterAsync(ActorKey actor, CancellationToken cancellationToken)
    {
        var arrival = PlatformClock.Now;
        var lane = _lanes.GetOrAdd(actor, _ => new ActorLane());
        await lane.Gate.WaitAsync(cancellationToken);
        var turn = new Turn(lane, arrival);
        lane.Current = turn;
        return turn;
    }

    /// <summary>
    /// Charges platform time to the actor's turn in progress (a state or reminder operation its app makes while it holds
    /// the turn). Outside a turn there is nothing to hold, so the caller waits for it itself.
    /// </summary>
    public Task ChargeAsync(ActorKey actor, TimeSpan cost, CancellationToken cancellationToken)
    {
        if (_lanes.TryGetValue(actor, out var lane) && lane.Current is { } turn)
        {
            turn.Charge(cost);
            return Task.CompletedTask;
        }

        return PlatformClock.WaitAsync(cost, cancellationToken);
    }

    internal sealed class ActorLane
    {
        private Turn? _current;

        public SemaphoreSlim Gate { get; } = new(1, 1);

        public VirtualTimeline Timeline { get; } = new();

        public Turn? Current
        {
            get => Volatile.Read(ref _current);
            set => Volatile.Write(ref _current, value);
        }
    }

    /// <summary>One turn; <see cref="HoldAsync"/> before answering the caller, dispose to let the next turn in.</summary>
    public sealed class Turn : IDisposable
    {
        private readonly ActorLane _lane;
        private readonly long _arrival;
        private readonly long _started = PlatformClock.Now;
        private long _chargedTicks;

        internal Turn(ActorLane lane, long arrival)
        {
            _lane = lane;
            _arrival = arrival;
        }

        public void Charge(TimeSpan cost) => Interlocked.Add(ref _chargedTicks, cost.Ticks);

        /// <summary>Waits until the turn's modelled end: what the stand-in did in it, plus the platform time charged.</summary>
        public Task HoldAsync(CancellationToken cancellationToken)
        {
            var charged = TimeSpan.FromTicks(Interlocked.Read(ref _chargedTicks));
            if (charged <= TimeSpan.Zero)
            {
                return Task.CompletedTask;
            }

            var work = PlatformClock.Elapsed(_started) + charged;
            return PlatformClock.WaitUntilAsync(_lane.Timeline.Schedule(_arrival, work), cancellationToken);
        }

        public void Dispose()
        {
            _lane.Current = null;
            _lane.Gate.Release();
        }
    }
}
