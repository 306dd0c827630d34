using System.Diagnostics;
using System.Reflection;
using Microsoft.ML.Byol.Torch;

namespace Microsoft.ML.Byol;

/// <summary>
/// The fast path for CPU training on Linux: libtorch under jemalloc, configured to keep its pages, reuses the large
/// activation buffers of the previous step instead of mapping and faulting them in again (a ResNet-50 64 px step took
/// 15.6 s instead of 36.9 s under glibc on the project's 2-core machines). An allocator can only be chosen when a
/// process starts, so <see cref="Relaunch"/> starts the application again with jemalloc preloaded, as the first
/// line of its <c>Main</c>:
/// <code>
/// if (ByolFastAllocator.Relaunch(args) is int exitCode) return exitCode;
/// </code>
/// Without it the library still keeps memory flat under glibc (it trims the heap every few steps); it is only slower
/// on large models. Debian and Ubuntu ship jemalloc as <c>libjemalloc2</c>.
/// </summary>
public static class ByolFastAllocator
{
    /// <summary>Set to <c>0</c> to never relaunch (for example to measure glibc's allocator).</summary>
    public const string OptOutVariable = "BYOL_FAST_ALLOCATOR";

    /// <summary>Set in the relaunched process, so that it never relaunches again.</summary>
    public const string RelaunchedVariable = "BYOL_FAST_ALLOCATOR_RELAUNCHED";

    /// <summary>jemalloc's settings for training: never return dirty or muzzy pages, retain address space.</summary>
    public const string JemallocSettings = "dirty_decay_ms:-1,muzzy_decay_ms:-1,retain:true";

    private static readonly string[] JemallocPaths =
    {
        "/usr/lib/x86_64-linux-gnu/libjemalloc.so.2",
        "/usr/lib/aarch64-linux-gnu/libjemalloc.so.2",
        "/usr/lib64/libjemalloc.so.2",
        "/usr/lib/libjemalloc.so.2",
        "/usr/local/lib/libjemalloc.so.2",
    };

    /// <summary>The allocator serving <c>malloc</c> in this process: "jemalloc", "tcmalloc", "mimalloc", "glibc" or "other".</summary>
    public static string CurrentAllocator => NativeHeap.Allocator;

    /// <summary>What <see cref="Relaunch"/> decides, and why.</summary>
    internal enum Decision
    {
        /// <summary>Start the application again with jemalloc preloaded.</summary>
        Relaunch,

        /// <summary>Not Linux: LD_PRELOAD does not apply.</summary>
        NotLinux,

        /// <summary>A caching allocator already serves this process.</summary>
        AlreadyFast,

        /// <summary>The user set <see cref="OptOutVariable"/> to 0.</summary>
        OptedOut,

        /// <summary>This process is the relaunched one (and still not under jemalloc: the preload failed).</summary>
        AlreadyRelaunched,

        /// <summary>jemalloc is not installed.</summary>
        NotInstalled,
    }

    /// <summary>
    /// Starts this application again, with the same arguments, standard streams and environment plus jemalloc
    /// preloaded, waits for it and returns its exit code; or returns null, doing nothing, when jemalloc already serves
    /// this process, is not installed, the OS is not Linux, this process is already the relaunched one, or the
    /// environment variable <c>BYOL_FAST_ALLOCATOR</c> is <c>0</c>. Call it first in <c>Main</c>, before any
    /// training: the relaunched process does the work. What it decided is written to standard error.
    /// </summary>
    /// <param name="args">The arguments <c>Main</c> received.</param>
    /// <returns>The exit code of the relaunched process, or null when this process should go on.</returns>
    public static int? Relaunch(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? jemalloc = JemallocPaths.FirstOrDefault(File.Exists);
        var decision = Decide(OperatingSystem.IsLinux(), CurrentAllocator, Environment.GetEnvironmentVariable(OptOutVariable),
            Environment.GetEnvironmentVariable(RelaunchedVariable), jemalloc);
        if (decision == Decision.AlreadyRelaunched)
            Console.Error.WriteLine($"BYOL: relaunched with LD_PRELOAD={jemalloc}, but the allocator is {CurrentAllocator}; going on with it.");
        if (decision == Decision.NotInstalled)
            Console.Error.WriteLine("BYOL: jemalloc is not installed (apt-get install libjemalloc2); training uses glibc's malloc, slower on large models.");
        if (decision != Decision.Relaunch)
            return null;

        var start = new ProcessStartInfo(Environment.ProcessPath ?? throw new InvalidOperationException("The path of this process is unknown."))
        {
            UseShellExecute = false,
        };
        if (EntryAssemblyArgument(start.FileName) is { } entry)
            start.ArgumentList.Add(entry);
        foreach (var a in args)
            start.ArgumentList.Add(a);
        string? preload = Environment.GetEnvironmentVariable("LD_PRELOAD");
        start.Environment["LD_PRELOAD"] = string.IsNullOrEmpty(preload) ? jemalloc! : jemalloc + ":" + preload;
        start.Environment["MALLOC_CONF"] = Environment.GetEnvironmentVariable("MALLOC_CONF") ?? JemallocSettings;
        start.Environment[RelaunchedVariable] = "1";
        Console.Error.WriteLine($"BYOL: relaunching with jemalloc ({jemalloc}, MALLOC_CONF={start.Environment["MALLOC_CONF"]}); {OptOutVariable}=0 turns this off.");

        // Ctrl+C reaches the child too (same process group): this process only waits for it.
        ConsoleCancelEventHandler ignore = (_, e) => e.Cancel = true;
        Console.CancelKeyPress += ignore;
        try
        {
            using var child = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {start.FileName}.");
            child.WaitForExit();
            return child.ExitCode;
        }
        finally
        {
            Console.CancelKeyPress -= ignore;
        }
    }

    /// <summary>The decision of <see cref="Relaunch"/> from what it observes.</summary>
    internal static Decision Decide(bool linux, string allocator, string? optOut, string? relaunched, string? jemallocPath)
    {
        if (!linux)
            return Decision.NotLinux;
        if (allocator is "jemalloc" or "tcmalloc" or "mimalloc")
            return Decision.AlreadyFast;
        if (optOut == "0")
            return Decision.OptedOut;
        if (relaunched == "1")
            return Decision.AlreadyRelaunched;
        return jemallocPath is null ? Decision.NotInstalled : Decision.Relaunch;
    }

    /// <summary>The entry assembly's path when this process is the shared <c>dotnet</c> host (<c>dotnet app.dll</c>),
    /// so that the child runs the same application; null for an application host, which knows its assembly.</summary>
    internal static string? EntryAssemblyArgument(string processPath)
        => Path.GetFileNameWithoutExtension(processPath) == "dotnet" && Assembly.GetEntryAssembly()?.Location is { Length: > 0 } location
            ? location
            : null;
}
