namespace FlashSale.LoadGen.Application;

/// <summary>
/// Tasks still running, without keeping the finished ones: <see cref="DrainAsync"/> (once, after the last
/// <see cref="Track"/>) waits for them and rethrows the first unexpected failure.
/// </summary>
internal sealed class InFlightTasks
{
    private readonly TaskCompletionSource _drained = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _running = 1;
    private Exception? _failure;

    public void Track(Task task)
    {
        Interlocked.Increment(ref _running);
        task.ContinueWith(finished =>
        {
            if (finished.Exception?.InnerException is { } failure and not OperationCanceledException)
            {
                Interlocked.CompareExchange(ref _failure, failure, null);
            }

            Release();
        }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public async Task DrainAsync()
    {
        Release();
        await _drained.Task;
        if (_failure is { } failure)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failure);
        }
    }

    private void Release()
    {
        if (Interlocked.Decrement(ref _running) == 0)
        {
            _drained.TrySetResult();
        }
    }
}
