using System.Collections.Concurrent;

namespace FlashSale.TestSupport.Actors;

/// <summary>
/// Dapr's turn-based concurrency: one method call, reminder or deactivation at a time per actor id, in parallel across
/// ids. In Dapr the sidecar (with placement) guarantees this, not the SDK, so the stand-in must enforce it: without it
/// a test could pass only because the app happens to run on one process.
/// </summary>
internal sealed class ActorTurns
{
    // Never shrinks: a test touches a handful of actors.
    private readonly ConcurrentDictionary<ActorKey, SemaphoreSlim> _turns = new();

    public async Task<Turn> EnterAsync(ActorKey actor, CancellationToken cancellationToken)
    {
        var gate = _turns.GetOrAdd(actor, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Turn(gate);
    }

    public readonly struct Turn(SemaphoreSlim gate) : IDisposable
    {
        public void Dispose() => gate.Release();
    }
}
