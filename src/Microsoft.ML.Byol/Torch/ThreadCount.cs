using System.Globalization;

namespace Microsoft.ML.Byol.Torch;

/// <summary>The intra-op CPU thread count of a run and why it was chosen (one sentence for the log).</summary>
internal sealed record ThreadChoice(int Threads, string Reason)
{
    /// <summary>The log line: "BYOL: 1 CPU thread (reason)."</summary>
    public string LogLine => $"BYOL: {Threads} CPU thread{(Threads == 1 ? "" : "s")} ({Reason}).";
}

/// <summary>
/// What the CPUs looked like when a run started: the inputs of <see cref="ThreadCount.Choose"/> that are measured
/// (<see cref="CpuProbe"/>). Every field is null when it could not be read.
/// </summary>
/// <param name="MachineCores">CPUs of the machine (or of the host a container runs on) that <paramref name="OtherBusyCores"/> is counted over.</param>
/// <param name="QuotaCpus">The process's CPU quota in CPUs (cgroup <c>cpu.max</c>); null when there is none.</param>
/// <param name="OtherBusyCores">CPUs' worth of time other processes used during the sample (this process's own use taken out).</param>
internal readonly record struct CpuAvailability(int? MachineCores, double? QuotaCpus, double? OtherBusyCores)
{
    /// <summary>Nothing measured (another OS, or /proc unreadable).</summary>
    public static CpuAvailability Unknown => default;
}

/// <summary>
/// Chooses the intra-op thread count of a run. OpenMP's parallel regions end at a barrier that waits for every thread:
/// when another process holds a core, the thread that shares it is descheduled for whole time slices and the others
/// wait for it (spinning, then sleeping). On the project's 2-core machines two threads were 1.3× one thread when the
/// machine was idle and 0.45× under one busy neighbour (docs/status.md, "Threads under contention"). So the default
/// is one thread per core that was free when the run started, never more than libtorch's default or the processors the
/// process may use, never fewer than one.
/// </summary>
internal static class ThreadCount
{
    /// <summary>How idle a core must be, on the average over the sample, to count as free: with other processes using
    /// a quarter of a core or more, a thread on it waits at every barrier.</summary>
    public const double FreeCoreIdleFraction = 0.75;

    /// <summary>
    /// The thread count and the reason. <paramref name="asked"/> (ByolOptions.NumberOfThreads) wins when set. Else
    /// the cap is libtorch's default (one per physical core, or <c>OMP_NUM_THREADS</c>), .NET's processor count (which
    /// follows the affinity mask and a container's quota) and the quota rounded up; and when the load of other
    /// processes was measured, the count is the cores it left free (a core is free when at least
    /// <see cref="FreeCoreIdleFraction"/> idle), at least 1, at most the cap.
    /// </summary>
    public static ThreadChoice Choose(int? asked, int torchDefault, int processorCount, CpuAvailability cpus)
    {
        const string Setting = "ByolOptions.NumberOfThreads sets it";
        if (asked is > 0)
            return new ThreadChoice(asked.Value, "ByolOptions.NumberOfThreads");

        int cap = Math.Max(1, Math.Min(torchDefault, processorCount));
        string capReason = torchDefault <= processorCount
            ? $"libtorch's default of {torchDefault}"
            : $"libtorch's default of {torchDefault}, capped at the {processorCount} processors this process may use";
        if (cpus.QuotaCpus is { } quota && quota > 0 && Math.Ceiling(quota) < cap)
        {
            cap = Math.Max(1, (int)Math.Ceiling(quota));
            capReason = $"the process's CPU quota of {Format(quota)} CPUs";
        }
        else if (cpus.QuotaCpus is { } q && cpus.MachineCores is { } all && q < all)
        {
            capReason += $" (CPU quota {Format(q)} of {all} cores)";
        }

        if (cpus.OtherBusyCores is not { } busy || cpus.MachineCores is not { } cores || cores <= 0)
            return new ThreadChoice(cap, $"{capReason}; the load of other processes was not measured; {Setting}");

        busy = Math.Clamp(busy, 0, cores);
        double free = cores - busy;
        int freeCores = (int)Math.Floor(free + 1 - FreeCoreIdleFraction + 1e-9);
        int threads = Math.Clamp(freeCores, 1, cap);
        string load = $"the {cores} cores were {Percent(busy / cores)} busy with other processes when the run started";
        return threads < cap
            ? new ThreadChoice(threads, $"{load}, leaving {Format(free)} free, fewer than {capReason}; {Setting}")
            : new ThreadChoice(threads, $"{capReason}; {load}; {Setting}");
    }

    private static string Format(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);

    private static string Percent(double fraction) => (100 * fraction).ToString("0", CultureInfo.InvariantCulture) + " %";
}
