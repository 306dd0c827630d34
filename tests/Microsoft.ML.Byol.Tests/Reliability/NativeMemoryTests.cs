using System.Diagnostics;
using System.Runtime;
using Microsoft.ML.Byol.Tests.Support;
using Microsoft.ML.Byol.Torch;
using Microsoft.ML.Byol.Training;
using TorchSharp;
using Xunit.Abstractions;

namespace Microsoft.ML.Byol.Tests.Reliability;

/// <summary>
/// Memory of a long run, with no help from the .NET garbage collector: no forced collection, and none at all while
/// the resident size is measured (a no-GC region), so nothing is released by a finalizer.
/// </summary>
[Trait("Category", "Reliability")]
public sealed class NativeMemoryTests
{
    private readonly ITestOutputHelper _output;

    public NativeMemoryTests(ITestOutputHelper output)
    {
        _output = output;
        TorchRuntime.EnsureInitialized();
    }

    [Trait("Category", "Slow")]
    [Fact]
    public void LiveTensorsAndNativeMemoryStayFlatWithNoGarbageCollection()
    {
        // The configuration the issue measured (ResNet-18 ×0.25, 32 px, batch 32), with small heads. From step 60
        // (allocator arenas and libtorch's caches settle in the first tens of steps) to step 260, no collection runs:
        // managed garbage accumulates, and the resident size grows by exactly what the managed heap allocates when
        // native memory is flat. Without the trainer's heap trim glibc's arenas grew ≈ 1 MiB per step here
        // (≈ 200 MiB over these 200 steps); a tensor escaping its dispose scope would also be counted below.
        const int first = 60, last = 260; // both 10 steps after a trim (every NativeHeap.TrimEverySteps)
        var options = TinyRuns.Options(imageSize: 32, batchSize: 32, epochs: 1000);
        options.WidthMultiplier = 0.25f;
        options.MaxSteps = last;
        var liveTensors = new List<long>();
        long residentAtFirst = 0, residentAtLast = 0, allocatedAtFirst = 0, allocatedAtLast = 0;
        bool inNoGcRegion = false;
        int collectionsAtFirst = 0, collectionsAtLast = 0;
        options.Progress = new SyncProgress(r =>
        {
            liveTensors.Add(torch.Tensor.TotalCount);
            if (r.Step == first)
            {
                inNoGcRegion = GC.TryStartNoGCRegion(240L * 1024 * 1024);
                (residentAtFirst, allocatedAtFirst, collectionsAtFirst) = (Resident(), GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0));
            }
            else if (r.Step == last)
            {
                (residentAtLast, allocatedAtLast, collectionsAtLast) = (Resident(), GC.GetTotalAllocatedBytes(precise: true), GC.CollectionCount(0));
            }
        });
        using var store = TinyRuns.Shapes(256, 32);
        try
        {
            using var result = new ByolTrainer(options, seed: 4).Train(store);
        }
        finally
        {
            if (GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
                GC.EndNoGCRegion();
        }

        double managed = (allocatedAtLast - allocatedAtFirst) / 1048576.0;
        double resident = (residentAtLast - residentAtFirst) / 1048576.0;
        _output.WriteLine($"allocator {NativeHeap.Allocator}; steps {first}→{last}: resident +{resident:F1} MiB, managed allocations {managed:F1} MiB, " +
                          $"native +{resident - managed:F1} MiB; live tensors {liveTensors.Min()}–{liveTensors.Max()}; " +
                          $"collections in between {collectionsAtLast - collectionsAtFirst}");

        liveTensors.Should().HaveCount(last);
        liveTensors.Skip(first - 1).Distinct().Should().HaveCount(1, "every tensor a step creates is released by the step's dispose scope");
        liveTensors.Max().Should().Be(liveTensors[0], "no step may end with more live tensors than the first");
        inNoGcRegion.Should().BeTrue("the measurement needs a stretch with no garbage collection");
        collectionsAtLast.Should().Be(collectionsAtFirst, "no collection may run between the two measurements");
        (resident - managed).Should().BeLessThan(40, "native memory must stay flat over 200 steps (1 MiB per step would add 200 MiB)");
    }

    private static long Resident()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }
}
