namespace FlashSale.LoadGen.Application;

/// <summary>Something that disturbs the system during the timed phase (e.g. deleting pods), reporting what it did.</summary>
public interface IChaos
{
    /// <summary>Runs until <paramref name="stop"/> is cancelled, calling <paramref name="record"/> for each thing it does.</summary>
    Task RunAsync(Action<string> record, CancellationToken stop);
}
