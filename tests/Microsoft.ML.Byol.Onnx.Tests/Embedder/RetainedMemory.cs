using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Microsoft.ML.Byol.Onnx.Tests.Embedder;

/// <summary>
/// The working set this process keeps once garbage is collected and glibc's free heap pages are handed back: what a
/// leak would hold, without the transient peaks of collections and of other tests sharing the process.
/// </summary>
internal static class RetainedMemory
{
    public static long Measure()
    {
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        if (OperatingSystem.IsLinux())
        {
            try
            {
                _ = malloc_trim(0);
            }
            catch (EntryPointNotFoundException)
            {
                // Not glibc: its allocator keeps its own pages; the reading is still the working set.
            }
        }

        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    [DllImport("libc", EntryPoint = "malloc_trim")]
    private static extern int malloc_trim(nuint pad);
}
