using System.Globalization;
using System.Runtime.InteropServices;

namespace Microsoft.ML.Byol.Torch;

/// <summary>
/// What the process holds in memory at one moment: its resident size and, where the allocator serving
/// <c>malloc</c> can say, the bytes handed out to live native allocations (libtorch's tensors among them). The two
/// tell apart the ways a long run's memory can grow: live bytes rising together with the resident size are
/// allocations nobody frees; a resident size rising over flat live bytes is freed memory the allocator keeps (glibc's
/// arenas before a trim; jemalloc under <see cref="ByolFastAllocator.JemallocSettings"/>, which never returns pages).
/// The trainer logs it with every kNN monitor evaluation.
/// </summary>
/// <param name="ResidentBytes">The process's resident set size.</param>
/// <param name="LiveNativeBytes">Bytes in live native allocations (glibc's <c>mallinfo2</c>, jemalloc's
/// <c>stats.allocated</c>); null under other allocators.</param>
internal readonly record struct HeapUsage(long ResidentBytes, long? LiveNativeBytes)
{
    /// <summary>The usage now, under <see cref="NativeHeap.Allocator"/>.</summary>
    public static HeapUsage Now() => new(Environment.WorkingSet, LiveBytes(NativeHeap.Allocator));

    /// <summary>
    /// Whether the allocator keeps so many free pages that the process nears the machine's memory: resident above
    /// half of <paramref name="machineBytes"/>, of which more than half is not in live allocations. False when the
    /// live bytes are unknown.
    /// </summary>
    public bool KeepsTooMuchOf(long machineBytes) =>
        LiveNativeBytes is { } live && ResidentBytes > machineBytes / 2 && ResidentBytes - live > ResidentBytes / 2;

    /// <summary>For logs: "resident 3.18 GB, live native 1.42 GB (jemalloc)".</summary>
    public override string ToString()
    {
        return LiveNativeBytes is { } live
            ? $"resident {Gb(ResidentBytes)}, live native {Gb(live)} ({NativeHeap.Allocator})"
            : $"resident {Gb(ResidentBytes)}";
    }

    /// <summary>For logs, from this usage to <paramref name="after"/>: "resident 0.25 → 0.23 GB, live native 0.08 → 0.08 GB".</summary>
    public string To(HeapUsage after)
    {
        string text = $"resident {Number(ResidentBytes)} → {Gb(after.ResidentBytes)}";
        return LiveNativeBytes is { } live && after.LiveNativeBytes is { } liveAfter
            ? $"{text}, live native {Number(live)} → {Gb(liveAfter)}"
            : text;
    }

    private static string Number(long bytes) => (bytes / 1e9).ToString("F2", CultureInfo.InvariantCulture);

    private static string Gb(long bytes) => Number(bytes) + " GB";

    /// <summary>Live native bytes by the allocator's own count, or null where it has none (or the call is missing).</summary>
    internal static long? LiveBytes(string allocator)
    {
        try
        {
            return allocator switch
            {
                "glibc" => GlibcLiveBytes(),
                "jemalloc" => JemallocLiveBytes(),
                _ => null,
            };
        }
        catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException)
        {
            return null;   // glibc before 2.33 has no mallinfo2; a jemalloc built with a prefix has no plain mallctl
        }
    }

    /// <summary>glibc: bytes in use in the arenas (<c>uordblks</c>) plus those of chunks mapped on their own (<c>hblkhd</c>).</summary>
    private static long GlibcLiveBytes()
    {
        var info = mallinfo2();
        return checked((long)(info.uordblks + info.hblkhd));
    }

    /// <summary>jemalloc: <c>stats.allocated</c>, after advancing <c>epoch</c> so that the statistics are current.</summary>
    private static unsafe long? JemallocLiveBytes()
    {
        ulong epoch = 1, allocated = 0;
        nuint epochSize = sizeof(ulong), allocatedSize = (nuint)sizeof(nuint);
        if (NativeHeap.Mallctl("epoch", &epoch, &epochSize, &epoch, epochSize) != 0)
            return null;
        return NativeHeap.Mallctl("stats.allocated", &allocated, &allocatedSize, null, 0) == 0 ? checked((long)allocated) : null;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallInfo2 mallinfo2();
}
