using System.Globalization;
using System.Runtime.InteropServices;

namespace FlashSale.Bench;

/// <summary>What the figures were measured on: they mean little without it.</summary>
internal static class Machine
{
    public static MachineInfo Describe(string? loadAtStart) => new(
        Environment.ProcessorCount,
        Memory(),
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription,
        Cpu(),
        loadAtStart,
        LoadAverage());

    /// <summary>The load averages (1, 5, 15 min) from /proc/loadavg, or null off Linux. A shared machine's figures vary with it.</summary>
    public static string? LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : null;

    private static string Memory()
    {
        var bytes = GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
        if (File.Exists("/proc/meminfo"))
        {
            var total = File.ReadLines("/proc/meminfo").FirstOrDefault(line => line.StartsWith("MemTotal:", StringComparison.Ordinal));
            if (total is not null && long.TryParse(total.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture, out var kilobytes))
            {
                bytes = kilobytes * 1024;
            }
        }

        return string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.0} GiB");
    }

    private static string Cpu()
    {
        var model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return model ?? RuntimeInformation.ProcessArchitecture.ToString();
    }
}
