using System.Diagnostics;
using System.Runtime.InteropServices;

namespace FlashSale.TestSupport.Sidecar;

/// <summary>
/// The waits of the timing model (<see cref="PlatformTiming"/>), precise to a fraction of a millisecond. .NET's timers
/// fire on a coarse tick (about 4 ms on a busy Linux machine), which would turn a 0.57 ms state operation into 4 ms, so
/// one background thread sleeps until the earliest waiter is due instead, the last millisecond with <c>nanosleep</c>
/// where the OS has it. It runs only while something waits. A wait never ends before it is due.
/// </summary>
internal static class PlatformClock
{
    private static readonly TimeSpan CoarseMargin = TimeSpan.FromMilliseconds(1.5);
    private static readonly PriorityQueue<TaskCompletionSource, long> Waiters = new();
    private static readonly Lock Gate = new();
    private static readonly AutoResetEvent Wake = new(false);
    private static readonly bool HasNanosleep = OperatingSystem.IsLinux() || OperatingSystem.IsMacOS();
    private static Thread? _thread;

    public static long Now => Stopwatch.GetTimestamp();

    public static TimeSpan Elapsed(long since) => Stopwatch.GetElapsedTime(since);

    public static long After(long timestamp, TimeSpan duration) => timestamp + (long)(duration.TotalSeconds * Stopwatch.Frequency);

    public static Task WaitAsync(TimeSpan duration, CancellationToken cancellationToken = default) =>
        duration > TimeSpan.Zero ? WaitUntilAsync(After(Now, duration), cancellationToken) : Task.CompletedTask;

    public static Task WaitUntilAsync(long due, CancellationToken cancellationToken = default)
    {
        if (Now >= due)
        {
            return Task.CompletedTask;
        }

        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (Gate)
        {
            var earliest = Waiters.TryPeek(out _, out var first) ? first : long.MaxValue;
            Waiters.Enqueue(waiter, due);
            _thread ??= Start();
            if (due < earliest)
            {
                Wake.Set();
            }
        }

        return cancellationToken.CanBeCanceled ? waiter.Task.WaitAsync(cancellationToken) : waiter.Task;
    }

    private static Thread Start()
    {
        var thread = new Thread(Run) { IsBackground = true, Name = "Platform timing clock" };
        thread.Start();
        return thread;
    }

    private static void Run()
    {
        while (true)
        {
            long next;
            lock (Gate)
            {
                var now = Now;
                while (Waiters.TryPeek(out var waiter, out var due) && due <= now)
                {
                    Waiters.Dequeue();
                    waiter.SetResult();
                }

                next = Waiters.TryPeek(out _, out var earliest) ? earliest : long.MaxValue;
            }

            if (next == long.MaxValue)
            {
                Wake.WaitOne();
                continue;
            }

            var remaining = Stopwatch.GetElapsedTime(Now, next);
            if (remaining > CoarseMargin || !HasNanosleep)
            {
                // Interruptible by an earlier waiter; wakes up a little before the due time to finish precisely.
                Wake.WaitOne(HasNanosleep ? remaining - CoarseMargin / 2 : TimeSpan.FromMilliseconds(Math.Ceiling(remaining.TotalMilliseconds)));
            }
            else if (remaining > TimeSpan.Zero)
            {
                Nanosleep(remaining);
            }
        }
    }

    private static void Nanosleep(TimeSpan duration)
    {
        var request = new TimeSpec { Seconds = 0, Nanoseconds = (nint)(duration.Ticks * 100) };
        _ = nanosleep(ref request, IntPtr.Zero);
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public nint Seconds;
        public nint Nanoseconds;
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int nanosleep(ref TimeSpec request, IntPtr remaining);
}
