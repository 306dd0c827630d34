using System.Diagnostics;

namespace Microsoft.ML.Byol.Tests.Shared;

/// <summary>
/// What running an action cost: wall time and how much the process's peak resident memory (Linux VmHWM, which
/// includes SkiaSharp's native bitmaps) rose. A bomb decoded even once raises the peak by gigabytes.
/// </summary>
internal static class ResourceProbe
{
    /// <summary>Most the peak may rise while refusing a bomb: far below the 1.6 GB of a 20 000² bitmap.</summary>
    public const long AllowedPeakRise = 200L << 20;

    /// <summary>Runs <paramref name="action"/> (which is expected to throw) and returns the exception with the costs.</summary>
    public static (Exception? Error, TimeSpan Elapsed, long PeakRise) Run(Action action)
    {
        long before = PeakWorkingSet();
        var watch = Stopwatch.StartNew();
        Exception? error = null;
        try
        {
            action();
        }
        catch (Exception e)
        {
            error = e;
        }

        watch.Stop();
        return (error, watch.Elapsed, PeakWorkingSet() - before);
    }

    /// <summary>
    /// Whether the kernel refuses a single allocation far beyond its memory (Linux overcommit modes 0 and 2), so that
    /// asking SkiaSharp for a terabyte bitmap fails at once instead of being granted and filled.
    /// </summary>
    public static bool RefusesHugeAllocations()
    {
        const string setting = "/proc/sys/vm/overcommit_memory";
        return OperatingSystem.IsLinux() && File.Exists(setting) && File.ReadAllText(setting).Trim() is "0" or "2";
    }

    private static long PeakWorkingSet()
    {
        using var process = Process.GetCurrentProcess();
        process.Refresh();
        return process.PeakWorkingSet64;
    }
}
