using System.Diagnostics;
using System.Globalization;

namespace Microsoft.ML.Byol.Torch;

/// <summary>
/// Measures what <see cref="ThreadCount.Choose"/> needs on Linux: the CPU time other processes use (two reads of
/// <c>/proc/stat</c> a short sample apart, minus this process's own CPU time over the same interval) and the
/// process's cgroup CPU quota. Elsewhere, or when a file cannot be read, the values are null.
/// </summary>
internal static class CpuProbe
{
    /// <summary>How long the load is sampled: 20 ticks of the kernel's 100 Hz clock per core.</summary>
    public static readonly TimeSpan Sample = TimeSpan.FromMilliseconds(200);

    /// <summary>Measures the machine over <see cref="Sample"/> (the calling thread sleeps meanwhile).</summary>
    public static CpuAvailability Measure()
    {
        if (!OperatingSystem.IsLinux())
            return CpuAvailability.Unknown;
        double? quota = Quota();
        var before = ReadStat();
        if (before is null)
            return new CpuAvailability(null, quota, null);
        using var self = Process.GetCurrentProcess();
        var ownBefore = self.TotalProcessorTime;
        var clock = Stopwatch.StartNew();
        Thread.Sleep(Sample);
        var after = ReadStat();
        self.Refresh();
        double ownCores = (self.TotalProcessorTime - ownBefore).TotalSeconds / clock.Elapsed.TotalSeconds;
        if (after is null)
            return new CpuAvailability(before.Value.Cpus, quota, null);
        return new CpuAvailability(after.Value.Cpus, quota, OtherBusyCores(before.Value, after.Value, ownCores));
    }

    /// <summary>The aggregate CPU counters of <c>/proc/stat</c>, in clock ticks.</summary>
    internal readonly record struct CpuTimes(long Busy, long Total, int Cpus);

    /// <summary>CPUs' worth of time used by other processes between two reads, given this process's own use in CPUs.</summary>
    internal static double? OtherBusyCores(CpuTimes before, CpuTimes after, double ownCores)
    {
        long total = after.Total - before.Total;
        if (total <= 0 || after.Cpus <= 0)
            return null;
        double busyCores = after.Cpus * (double)(after.Busy - before.Busy) / total;
        return Math.Clamp(busyCores - ownCores, 0, after.Cpus);
    }

    /// <summary>
    /// Parses <c>/proc/stat</c>: the first line "cpu user nice system idle iowait irq softirq steal ..." (busy is all
    /// but idle and iowait; steal counts as busy, since the hypervisor gave that time to someone else) and the number
    /// of "cpuN" lines. Null when the text is not in that format.
    /// </summary>
    internal static CpuTimes? ParseStat(string text)
    {
        using var reader = new StringReader(text);
        long busy = 0, total = 0;
        int cpus = 0;
        bool found = false;
        for (string? line = reader.ReadLine(); line is not null; line = reader.ReadLine())
        {
            if (!line.StartsWith("cpu", StringComparison.Ordinal))
                continue;
            if (line.StartsWith("cpu ", StringComparison.Ordinal))
            {
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length < 5)
                    return null;
                var values = new long[Math.Min(fields.Length - 1, 8)];   // guest time is already part of user time
                for (int i = 0; i < values.Length; i++)
                {
                    if (!long.TryParse(fields[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out values[i]))
                        return null;
                }
                total = values.Sum();
                long idle = values[3] + (values.Length > 4 ? values[4] : 0);
                busy = total - idle;
                found = true;
            }
            else if (line.Length > 3 && char.IsAsciiDigit(line[3]))
            {
                cpus++;
            }
        }
        return found && cpus > 0 ? new CpuTimes(busy, total, cpus) : null;
    }

    /// <summary>Parses a cgroup v2 <c>cpu.max</c> ("max 100000" or "150000 100000"): the quota in CPUs, or null for none.</summary>
    internal static double? ParseCpuMax(string text)
    {
        var fields = text.Trim().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length != 2 || fields[0] == "max")
            return null;
        return long.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out long quota)
               && long.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out long period) && quota > 0 && period > 0
            ? (double)quota / period
            : null;
    }

    /// <summary>Parses cgroup v1 <c>cpu.cfs_quota_us</c> and <c>cpu.cfs_period_us</c> (a quota of -1: none).</summary>
    internal static double? ParseCfs(string quotaText, string periodText)
        => long.TryParse(quotaText.Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out long quota)
           && long.TryParse(periodText.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out long period) && quota > 0 && period > 0
            ? (double)quota / period
            : null;

    /// <summary>The smallest quota on the process's cgroup v2 path, or its cgroup v1 quota; null when there is none.</summary>
    internal static double? Quota()
    {
        try
        {
            double? smallest = null;
            foreach (var line in File.ReadLines("/proc/self/cgroup"))
            {
                if (line.StartsWith("0::", StringComparison.Ordinal))
                {
                    // cgroup v2: every level of the path may limit the CPU.
                    string path = line[3..].TrimEnd('/');
                    while (true)
                    {
                        string file = "/sys/fs/cgroup" + path + "/cpu.max";
                        if (File.Exists(file) && ParseCpuMax(File.ReadAllText(file)) is { } quota)
                            smallest = Math.Min(smallest ?? double.MaxValue, quota);
                        if (path.Length == 0)
                            break;
                        path = path[..path.LastIndexOf('/')];
                    }
                }
            }
            if (smallest is null && File.Exists("/sys/fs/cgroup/cpu/cpu.cfs_quota_us") && File.Exists("/sys/fs/cgroup/cpu/cpu.cfs_period_us"))
                smallest = ParseCfs(File.ReadAllText("/sys/fs/cgroup/cpu/cpu.cfs_quota_us"), File.ReadAllText("/sys/fs/cgroup/cpu/cpu.cfs_period_us"));
            return smallest;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static CpuTimes? ReadStat()
    {
        try
        {
            return ParseStat(File.ReadAllText("/proc/stat"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
