using System.Runtime.InteropServices;

namespace Microsoft.ML.Byol.Torch;

/// <summary>
/// The native heap that libtorch allocates tensors from, and what the trainer does about it. Every tensor of a BYOL
/// step is released by its dispose scope (the live-tensor count is the same after every step), yet under glibc's
/// malloc the resident size of a long run still climbs: the freed activation and gradient buffers stay in glibc's
/// per-thread arenas, fragmented among small allocations, and are returned to the system only when the top of an
/// arena happens to be free. <c>malloc_trim(0)</c> hands every free page back (it also releases pages in the middle
/// of an arena), so the trainer calls it every <see cref="TrimEverySteps"/> steps. Caching allocators (jemalloc,
/// tcmalloc, mimalloc) preloaded by the application manage their own pages and are left alone while training; at the
/// end of a run <see cref="Release"/> returns what glibc or jemalloc hold free.
/// </summary>
internal static class NativeHeap
{
    /// <summary>Steps between two trims under glibc: rare enough to cost nothing measurable, often enough to keep the
    /// resident size flat (the tiny test configuration otherwise gains about 1 MiB per step).</summary>
    public const int TrimEverySteps = 50;

    private static readonly Lazy<string> AllocatorName = new(Detect);

    /// <summary>The allocator serving <c>malloc</c> in this process: "jemalloc", "tcmalloc", "mimalloc", "glibc" or "other".</summary>
    public static string Allocator => AllocatorName.Value;

    /// <summary>Whether <see cref="Trim"/> does anything here (Linux with glibc's own malloc).</summary>
    public static bool TrimsHere => Allocator == "glibc";

    /// <summary>One sentence for the run's log: the allocator, and what the trainer does about it.</summary>
    public static string Describe() => Allocator switch
    {
        "glibc" => $"native allocator: glibc malloc; the trainer returns its free pages to the system every {TrimEverySteps} steps (malloc_trim). " +
                   "ByolFastAllocator.Relaunch(args) in Main runs the application under jemalloc, faster on large models.",
        "other" => "native allocator: not glibc and not a known caching allocator; the trainer leaves it alone.",
        "jemalloc" => "native allocator: jemalloc (preloaded); the trainer leaves its pages alone while training and returns the free ones when the run ends.",
        var name => $"native allocator: {name} (preloaded); the trainer leaves it alone.",
    };

    /// <summary>The trainer's periodic trim: <see cref="Release"/> under glibc, nothing under a caching allocator
    /// (whose kept pages are the point of it while training). Returns whether it asked glibc to trim.</summary>
    public static bool Trim() => TrimsHere && Release();

    /// <summary>The allocator named by the libraries mapped into the process (a preload shows up there).</summary>
    internal static string Detect()
    {
        if (!OperatingSystem.IsLinux())
            return "other";
        string maps;
        try
        {
            maps = File.ReadAllText("/proc/self/maps");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return "other";
        }
        return FromMappedLibraries(maps);
    }

    /// <summary>The allocator named by a <c>/proc/self/maps</c> text.</summary>
    internal static string FromMappedLibraries(string maps)
    {
        foreach (var name in new[] { "jemalloc", "tcmalloc", "mimalloc" })
        {
            if (maps.Contains("/lib" + name, StringComparison.Ordinal))
                return name;
        }
        return maps.Contains("/libc.so.6", StringComparison.Ordinal) ? "glibc" : "other";
    }

    /// <summary>
    /// Returns the heap's free pages to the system under glibc (<c>malloc_trim</c>) and under jemalloc (a purge of every
    /// arena: the pages <see cref="ByolFastAllocator.JemallocSettings"/> otherwise keep for the rest of the process);
    /// does nothing under other allocators. For the end of a run: what training freed should not stay resident while
    /// the application goes on to other work. Returns whether the allocator took the request (false under others).
    /// </summary>
    public static bool Release()
    {
        try
        {
            return Allocator switch
            {
                "glibc" => malloc_trim(0) is 0 or 1,   // 1: pages returned, 0: none were free
                "jemalloc" => PurgeJemallocArenas(),
                _ => false,
            };
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return false;
        }
    }

    /// <summary>jemalloc's index that addresses all arenas at once in <c>arena.&lt;i&gt;.*</c> controls (<c>MALLCTL_ARENAS_ALL</c>).</summary>
    private const int AllArenas = 4096;

    private static unsafe bool PurgeJemallocArenas()
        => Mallctl($"arena.{AllArenas}.purge", null, null, null, 0) == 0;

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int malloc_trim(nuint pad);

    /// <summary>jemalloc's control and statistics entry point (Debian's libjemalloc2 exports it unprefixed).</summary>
    [DllImport("libjemalloc.so.2", EntryPoint = "mallctl")]
    internal static extern unsafe int Mallctl([MarshalAs(UnmanagedType.LPStr)] string name, void* oldp, nuint* oldlenp, void* newp, nuint newlen);
}
