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

    /// <summary>For logs: "resident 3.18 GB, live native 1.42 GB (jemalloc)".</summary>
    public override string ToString()
    {
        static string Gb(long bytes) => (bytes / 1e9).ToString("F2", CultureInfo.InvariantCulture) + " GB";
        return LiveNativeBytes is { } live
            ? $"resident {Gb(ResidentBytes)}, live native {Gb(live)} ({NativeHeap.Allocator})"
            : $"resident {Gb(ResidentBytes)}";
    }

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
        if (mallctl("epoch", &epoch, &epochSize, &epoch, epochSize) != 0)
            return null;
        return mallctl("stats.allocated", &allocated, &allocatedSize, null, 0) == 0 ? checked((long)allocated) : null;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MallInfo2
    {
        public nuint arena, ordblks, smblks, hblks, hblkhd, usmblks, fsmblks, uordblks, fordblks, keepcost;
    }

    [DllImport("libc", EntryPoint = "mallinfo2")]
    private static extern MallInfo2 mallinfo2();

    [DllImport("libjemalloc.so.2", EntryPoint = "mallctl")]
    private static extern unsafe int mallctl([MarshalAs(UnmanagedType.LPStr)] string name, void* oldp, nuint* oldlenp, void* newp, nuint newlen);
}
